/// What a key holds.
enum Value {
    case string(StringValue)
    case list(ListValue)
    case hash(HashValue)
    case set(SetValue)
    case zset(ZSetValue)
    case stream(StreamValue)

    var typeName: String {
        switch self {
        case .string: "string"
        case .list: "list"
        case .hash: "hash"
        case .set: "set"
        case .zset: "zset"
        case .stream: "stream"
        }
    }

    var encodingName: String {
        switch self {
        case .string(let string): string.encodingName
        case .list: "quicklist"
        case .hash(let hash): hash.encodingName
        case .set(let set): set.encodingName
        case .zset(let zset): zset.encodingName
        case .stream: "stream"
        }
    }
}

extension Value {
    var asString: StringValue? { if case .string(let value) = self { value } else { nil } }
    var asList: ListValue? { if case .list(let value) = self { value } else { nil } }
    var asHash: HashValue? { if case .hash(let value) = self { value } else { nil } }
    var asSet: SetValue? { if case .set(let value) = self { value } else { nil } }
    var asZSet: ZSetValue? { if case .zset(let value) = self { value } else { nil } }
    var asStream: StreamValue? { if case .stream(let value) = self { value } else { nil } }
}
