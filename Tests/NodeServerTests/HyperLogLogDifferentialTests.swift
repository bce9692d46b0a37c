import Testing

/// HyperLogLogs against redis-server 7.0.15: the same counts and the same
/// bytes (GET shows the sparse and dense layouts and the cached cardinality).
@Suite struct HyperLogLogDifferentialTests {
    static var script: String {
        var lines = """
            PFADD h a b c d e f g
            GET h
            PFCOUNT h
            GET h
            PFADD h a
            PFADD h z
            GET h
            PFADD empty
            PFCOUNT empty
            PFCOUNT missing
            PFADD h2 x y z w
            PFCOUNT h h2
            PFMERGE m h h2
            GET m
            PFCOUNT m
            PFMERGE m2 missing
            PFCOUNT m2
            SET notahll foo
            PFADD notahll a
            PFCOUNT notahll
            PFMERGE out notahll
            SET num 123
            PFCOUNT num
            LPUSH list a
            PFADD list a
            OBJECT ENCODING h

            """
        // Enough elements to promote to dense (sparse past 3000 bytes or a register past 32).
        for chunk in 0..<30 {
            lines += "PFADD big " + (0..<100).map { "element-\(chunk * 100 + $0)" }.joined(separator: " ") + "\n"
        }
        lines += "PFCOUNT big\nGET big\nPFMERGE both h big\nPFCOUNT both\nGET both\nPFCOUNT h big m\n"
        return lines
    }

    @Test func hyperLogLogs() async throws {
        try await DifferentialHarness.compare(["hll": Self.script])
    }
}
