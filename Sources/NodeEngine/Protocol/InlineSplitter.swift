/// Splits an inline command line as redis-server's sdssplitargs does:
/// spaces separate words, "double quotes" take \n \r \t \b \a \\ \" and \xHH
/// escapes, 'single quotes' take only \', and a closing quote must be
/// followed by a space or the end. Nil for unbalanced quotes.
enum InlineSplitter {
    static func split(_ line: UnsafeRawBufferPointer) -> [[UInt8]]? {
        var words: [[UInt8]] = []
        var index = 0
        // A C string underneath: a NUL ends the line.
        let count = line.firstIndex(of: 0) ?? line.count
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }
        while true {
            while index < count && isSpace(line[index]) { index += 1 }
            guard index < count else { return words }
            var word: [UInt8] = []
            var inDouble = false, inSingle = false, done = false
            while !done {
                if inDouble {
                    guard index < count else { return nil }
                    let byte = line[index]
                    if byte == UInt8(ascii: "\\") && index + 3 < count && line[index + 1] == UInt8(ascii: "x")
                        && isHex(line[index + 2]) && isHex(line[index + 3]) {
                        word.append(hexValue(line[index + 2]) << 4 | hexValue(line[index + 3]))
                        index += 3
                    } else if byte == UInt8(ascii: "\\") && index + 1 < count {
                        index += 1
                        switch line[index] {
                        case UInt8(ascii: "n"): word.append(10)
                        case UInt8(ascii: "r"): word.append(13)
                        case UInt8(ascii: "t"): word.append(9)
                        case UInt8(ascii: "b"): word.append(8)
                        case UInt8(ascii: "a"): word.append(7)
                        default: word.append(line[index])
                        }
                    } else if byte == UInt8(ascii: "\"") {
                        if index + 1 < count && !isSpace(line[index + 1]) { return nil }
                        done = true
                    } else {
                        word.append(byte)
                    }
                } else if inSingle {
                    guard index < count else { return nil }
                    let byte = line[index]
                    if byte == UInt8(ascii: "\\") && index + 1 < count && line[index + 1] == UInt8(ascii: "'") {
                        index += 1
                        word.append(UInt8(ascii: "'"))
                    } else if byte == UInt8(ascii: "'") {
                        if index + 1 < count && !isSpace(line[index + 1]) { return nil }
                        done = true
                    } else {
                        word.append(byte)
                    }
                } else {
                    if index >= count { done = true; break }
                    let byte = line[index]
                    switch byte {
                    case 32, 10, 13, 9, 0: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: word.append(byte)
                    }
                }
                if index < count { index += 1 }
            }
            words.append(word)
        }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 48...57: byte - 48
        case 97...102: byte - 87
        default: byte - 55
        }
    }
}
