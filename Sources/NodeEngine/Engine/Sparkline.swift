/// sparkline.c's renderer, for LATENCY GRAPH: samples as columns of
/// `_-\`` characters (or `_o#` and `|` when filled) over a few rows, each
/// column's label written downwards beneath.
struct Sparkline {
    struct Sample {
        let value: Double
        let label: String
    }

    private(set) var samples: [Sample] = []
    private var minimum = 0.0, maximum = 0.0

    mutating func add(_ value: Double, label: String) {
        if samples.isEmpty {
            minimum = value
            maximum = value
        } else if value < minimum {
            minimum = value
        } else if value > maximum {
            maximum = value
        }
        samples.append(Sample(value: value, label: label))
    }

    private static let characters: [Character] = ["_", "-", "`"]
    private static let filled: [Character] = ["_", "o", "#"]

    /// sparklineRender: `columns` samples a block, blocks separated by an empty line.
    func render(columns: Int, rows: Int, fill: Bool) -> String {
        var output = ""
        var start = 0
        while start < samples.count {
            if start != 0 { output += "\n" }
            output += renderRange(rows: rows, from: start, count: min(columns, samples.count - start), fill: fill)
            start += columns
        }
        return output
    }

    private func renderRange(rows: Int, from offset: Int, count: Int, fill: Bool) -> String {
        let range = maximum - minimum == 0 ? 1 : maximum - minimum
        let steps = Self.characters.count * rows
        let labelled = samples.contains { !$0.label.isEmpty }
        var output = ""
        var row = 0
        while true {
            var more = false
            var line = [Character](repeating: " ", count: count)
            for column in 0..<count {
                let sample = samples[column + offset]
                let step = min(max(0, Int((sample.value - minimum) * Double(steps) / range)), steps - 1)
                if row < rows {
                    more = true
                    let index = step - (rows - row - 1) * Self.characters.count
                    if index >= 0 && index < Self.characters.count {
                        line[column] = fill ? Self.filled[index] : Self.characters[index]
                    } else if fill && index >= Self.characters.count {
                        line[column] = "|"
                    }
                } else {
                    // One empty line between the graph and the labels.
                    if labelled && row - rows < 1 {
                        more = true
                        break
                    }
                    let label = Array(sample.label)
                    let position = row - rows - 1
                    if position < label.count {
                        more = true
                        line[column] = label[position]
                    }
                }
            }
            guard more else { break }
            row += 1
            output += String(line) + "\n"
        }
        return output
    }
}
