import ClusterModel
import Foundation
import Planner

/// The reshard in progress, in a small local file written before the first
/// slot moves and removed after the last: if rcluster is killed, the file
/// says what was asked, so `reshard --resume` can repair the open slot and
/// move the rest. Which slots are done is read from the live cluster (a slot
/// is done when the target owns it), never from the file.
public struct ReshardJournal: Codable, Sendable, Equatable {
    public struct Move: Codable, Sendable, Equatable {
        public let slot: Int
        public let sourceID: String
    }

    public var schema = "rcluster.reshard-journal/1"
    public var createdAt: String
    public var targetID: String
    public var moves: [Move]

    public init(targetID: String, moves: [ReshardPlanner.Move], createdAt: Date = Date()) {
        self.targetID = targetID
        self.moves = moves.map { Move(slot: $0.slot, sourceID: $0.sourceID) }
        self.createdAt = ISO8601DateFormatter().string(from: createdAt)
    }

    /// $RCLUSTER_STATE_DIR, else $XDG_STATE_HOME/rcluster, else ~/.local/state/rcluster.
    public static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["RCLUSTER_STATE_DIR"], !explicit.isEmpty { return explicit }
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/rcluster"
    }

    /// One journal per target node: a cluster runs one reshard into a node at a time.
    public static func path(targetID: String) -> String {
        directory + "/reshard-\(targetID).json"
    }

    public func save() throws(ClusterAdminError) {
        let path = Self.path(targetID: targetID)
        do {
            try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .refused("cannot write the reshard journal \(path): \(error.localizedDescription); nothing was moved")
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: Self.path(targetID: targetID))
    }

    /// The journal of an interrupted reshard into a master of this cluster.
    public static func find(for snapshot: ClusterSnapshot) throws(ClusterAdminError) -> ReshardJournal? {
        for node in snapshot.nodes {
            let path = path(targetID: node.id)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                return try JSONDecoder().decode(ReshardJournal.self, from: data)
            } catch {
                throw .refused("the reshard journal \(path) is unreadable (\(error)); finish with rcluster fix, then delete it")
            }
        }
        return nil
    }

    /// The moves still to do: slots their source still owns. A slot owned by
    /// neither side was moved by someone else meanwhile: refused, not guessed.
    public func remaining(in snapshot: ClusterSnapshot) throws(ClusterAdminError) -> [ReshardPlanner.Move] {
        var owner: [Int: String] = [:]
        for master in snapshot.masters {
            for range in master.slotRanges { for slot in range.slots { owner[slot] = master.id } }
        }
        var left: [ReshardPlanner.Move] = []
        for move in moves {
            switch owner[move.slot] {
            case targetID: continue
            case move.sourceID: left.append(ReshardPlanner.Move(slot: move.slot, sourceID: move.sourceID))
            case let other:
                throw .refused("slot \(move.slot) now belongs to \(other.map { String($0.prefix(8)) } ?? "no node"), neither its source nor the target of the interrupted reshard; the cluster changed since. Run rcluster fix, then delete \(Self.path(targetID: targetID)) and plan a new reshard")
            }
        }
        return left
    }
}
