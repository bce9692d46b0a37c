/// Runs one job per host, at most `limit` at a time, and keeps the
/// inventory's host order in the results.
enum HostFanOut {
    static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], limit: Int, _ job: @escaping @Sendable (Input) async -> Output
    ) async -> [Output] {
        await withTaskGroup(of: (Int, Output).self) { group in
            var results = [Output?](repeating: nil, count: inputs.count)
            var next = 0
            for _ in 0..<min(limit, inputs.count) {
                let index = next
                group.addTask { (index, await job(inputs[index])) }
                next += 1
            }
            for await (index, output) in group {
                results[index] = output
                if next < inputs.count {
                    let index = next
                    group.addTask { (index, await job(inputs[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
