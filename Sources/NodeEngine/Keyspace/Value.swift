/// What a key holds.
enum Value {
    case string(StringValue)
    case list(ListValue)
    case hash(HashValue)
    case set(SetValue)

    var typeName: String {
        switch self {
        case .string: "string"
        case .list: "list"
        case .hash: "hash"
        case .set: "set"
        }
    }

    var encodingName: String {
        switch self {
        case .string(let string): string.encodingName
        case .list: "quicklist"
        case .hash(let hash): hash.encodingName
        case .set(let set): set.encodingName
        }
    }
}
