/// Function libraries as RDB records (rdbSaveFunctions / rdbFunctionLoad):
/// FUNCTION2 (0xF5) then the library's whole payload as a string; the
/// pre-GA FUNCTION (0xF6) record of 7.0's release candidates (name, engine,
/// optional description, code) read into the same payload form.
/// Why a function library could not be read or created: the text redis-server gives.
public struct FunctionLibraryError: Error, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

public enum FunctionRecords {
    static let function2: UInt8 = 0xF5
    static let preGAFunction: UInt8 = 0xF6

    public static func encode(_ payloads: [[UInt8]], compression: Bool) -> [UInt8] {
        var writer = RDBObjectWriter()
        writer.compression = compression
        for payload in payloads { write(payload, into: &writer) }
        return writer.bytes
    }

    static func write(_ payload: [UInt8], into writer: inout RDBObjectWriter) {
        writer.bytes.append(function2)
        writer.writeString(payload)
    }

    /// FUNCTION RESTORE's body (its footer removed): the payloads, or
    /// functionRestoreCommand's error text.
    public static func decode(_ body: [UInt8]) -> Result<[[UInt8]], FunctionLibraryError> {
        var reader = RDBObjectReader(body)
        var payloads: [[UInt8]] = []
        while !reader.isAtEnd {
            guard let type = try? reader.byte() else { return .failure(FunctionLibraryError("can not read data type")) }
            guard type == function2 || type == preGAFunction else { return .failure(FunctionLibraryError("given type is not a function")) }
            switch readRecord(type, &reader) {
            case .success(let payload): payloads.append(payload)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(payloads)
    }

    /// One record after its opcode, as a library payload.
    static func readRecord(_ type: UInt8, _ reader: inout RDBObjectReader) -> Result<[UInt8], FunctionLibraryError> {
        if type == function2 {
            guard let payload = try? reader.readString() else { return .failure(FunctionLibraryError("Failed loading library payload")) }
            return .success(payload)
        }
        guard let name = try? reader.readString() else { return .failure(FunctionLibraryError("Failed loading library name")) }
        guard let engine = try? reader.readString() else { return .failure(FunctionLibraryError("Failed loading engine name")) }
        guard let hasDescription = try? reader.readCount() else { return .failure(FunctionLibraryError("Failed loading library description indicator")) }
        if hasDescription != 0 && (try? reader.readString()) == nil { return .failure(FunctionLibraryError("Failed loading library description")) }
        guard let code = try? reader.readString() else { return .failure(FunctionLibraryError("Failed loading library blob")) }
        var payload = Array("#!".utf8)
        payload += engine
        payload += Array(" name=".utf8)
        payload += name
        payload.append(UInt8(ascii: "\n"))
        payload += code
        return .success(payload)
    }
}
