/// Keys of every type in both encodings (short and long lists, sets of
/// integers and of words, small and big hashes and sorted sets), integers
/// and a compressible string: what the persistence suites write, save or
/// log, and read back.
enum Datasets {
    static let everyType: [[String]] = [
        ["SET", "s", "hello"], ["SET", "n", "12345"], ["SET", "big", String(repeating: "ab", count: 3000)],
        ["RPUSH", "list", "a", "b", "c"], ["RPUSH", "long"] + (0..<300).map { "item-\($0)" },
        ["SADD", "ints", "1", "2", "300000"], ["SADD", "words"] + (0..<200).map { "w\($0)" },
        ["HSET", "hash", "f1", "v1", "f2", "v2"], ["HSET", "bighash"] + (0..<300).flatMap { ["f\($0)", "v\($0)"] },
        ["ZADD", "z", "1", "a", "2.5", "b"], ["ZADD", "bigz"] + (0..<200).flatMap { ["\(Double($0) / 4)", "m\($0)"] },
    ] + streams

    /// A stream of several nodes with a deletion hole, a consumer group with
    /// pending entries and an idle consumer, and an emptied stream that remembers its IDs.
    static let streams: [[String]] = (1...230).map { ["XADD", "events", "\($0)-0", "kind", $0 % 2 == 0 ? "even" : "odd", "n", "\($0)"] } + [
        ["XDEL", "events", "3-0"], ["XGROUP", "CREATE", "events", "workers", "0"],
        ["XREADGROUP", "GROUP", "workers", "w1", "COUNT", "4", "STREAMS", "events", ">"],
        ["XGROUP", "CREATECONSUMER", "events", "workers", "w2"], ["XACK", "events", "workers", "1-0"],
        ["XADD", "drained", "7-0", "a", "b"], ["XDEL", "drained", "7-0"],
    ]

    /// Keys in a second database.
    static let otherDatabase: [[String]] = [["SELECT", "3"], ["SET", "other", "db3"], ["SELECT", "0"]]
}
