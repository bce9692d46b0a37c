/// The files of the AOF, which the server owns (the engine has no files):
/// the `appenddirname` directory with its manifest, base and incr files,
/// the one incr file being appended to, and base files written under a
/// temporary name in the working directory (as redis-server's rewrite child
/// writes `temp-rewriteaof-bg-<pid>.aof`) and then moved into the directory.
/// Names are bare file names in the directory unless a method says otherwise.
/// Every method but the `inBackground` work runs on the engine's thread.
public protocol AppendOnlyStore: AnyObject {
    func directoryExists() -> Bool
    /// dirCreateIfMissing: nil, or strerror's text.
    func createDirectory() -> String?
    func fileExists(_ name: String) -> Bool
    /// The file's size; nil with why (`missing` true for ENOENT).
    func size(_ name: String) -> (size: Int64?, failure: String?, missing: Bool)
    /// The whole file; nil when it does not exist; throws a text when it cannot be read.
    func read(_ name: String) throws -> [UInt8]?
    func truncate(_ name: String, to length: Int64) -> String?
    /// writeAofManifestFile: a temporary file, fsynced, renamed over the
    /// manifest, the directory fsynced. nil, or why (already worded for the log).
    func writeManifest(_ text: String) -> String?
    /// `appendfilename` in the working directory (a pre-7.0 single-file AOF).
    func legacyFileExists() -> Bool
    /// Moves it into the directory (aofUpgradePrepare).
    func moveLegacyFileIntoDirectory() -> String?

    /// Opens `name` for appending (created when missing, emptied when
    /// `truncating`) as the next incr file; it replaces the current one at
    /// `commitAppendFile`, or is closed by `abandonAppendFile`.
    func openAppendFile(_ name: String, truncating: Bool) -> String?
    /// The opened file becomes the one appended to; the previous one is
    /// fsynced and closed in the background.
    func commitAppendFile()
    func abandonAppendFile()
    /// No file is appended to any more (fsync it first with `sync`).
    func closeAppendFile()
    /// write(2) until all is written or it fails: the bytes written, and errno's text on failure.
    func append(_ bytes: UnsafeRawBufferPointer) -> (written: Int, failure: String?)
    /// ftruncate of the appended file, after a short write.
    func truncateAppendFile(to length: Int64) -> String?
    /// fdatasync of the appended file, now.
    func sync() -> String?
    /// fdatasync of the appended file on the background thread.
    func syncInBackground()
    /// Background fsyncs queued or running (bioPendingJobsOfType(BIO_AOF_FSYNC)).
    var backgroundSyncsPending: Int { get }
    /// errno's text of a failed background fsync, until `clearBackgroundSyncFailure`.
    var backgroundSyncFailure: String? { get }
    func clearBackgroundSyncFailure()

    /// Writes and fsyncs a base file under `temporaryName` in the working
    /// directory, in the background or before returning; `done` gets nil or
    /// why, on the engine's thread.
    func writeTemporary(_ bytes: [UInt8], temporaryName: String, inBackground: Bool, done: @escaping (String?) -> Void)
    /// Moves a temporary file of the working directory to `name` in the directory.
    func moveTemporary(_ temporaryName: String, to name: String) -> String?
    /// Renames within the directory.
    func rename(_ name: String, to newName: String) -> String?
    /// bg_unlink: removed off the engine's thread.
    func remove(_ name: String)
    func removeTemporary(_ temporaryName: String)

    /// The engine's AOF buffer got bytes: the server writes them
    /// (`flushAppendOnlyFile`) before it next sends replies.
    func dataPending()
}
