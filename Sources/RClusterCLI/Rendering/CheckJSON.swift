import ClusterAdmin
import ClusterModel

/// `check --json` and `info --json`: the schema documented in Docs/json-output.md.
/// Field names are part of rcluster's interface; add fields, never rename.
struct NodeJSON: Encodable {
    let id: String
    let address: String
    let role: String
    let flags: [String]
    let masterId: String?
    let slots: [String]
    let slotCount: Int
    let keys: Int?
    let replicas: [String]
    let migrating: [SlotPeerJSON]
    let importing: [SlotPeerJSON]
    let reachable: Bool
    let error: String?

    init(_ node: ObservedNode, in snapshot: ClusterSnapshot) {
        let current = node.current
        id = node.id
        address = "\(node.address)"
        role = node.isMaster ? "master" : "replica"
        flags = current.flags.map(\.rawValue)
        masterId = node.masterID
        slots = node.slotRanges.map(\.description)
        slotCount = node.slots.count
        keys = node.keyCount
        replicas = node.isMaster ? snapshot.replicas(of: node).map(\.id) : []
        migrating = current.migrating.map { SlotPeerJSON(slot: $0.slot, node: $0.to) }
        importing = current.importing.map { SlotPeerJSON(slot: $0.slot, node: $0.from) }
        reachable = node.isReachable
        error = node.failure
    }
}

struct SlotPeerJSON: Encodable {
    let slot: Int
    let node: String
}

struct TotalsJSON: Encodable {
    let keys: Int
    let masters: Int
    let replicas: Int
    let slotsCovered: Int
    let keysPerSlot: Double

    init(_ snapshot: ClusterSnapshot) {
        let summary = ClusterSummary(snapshot)
        keys = summary.totalKeys
        masters = snapshot.masters.count
        replicas = snapshot.nodes.filter(\.isReplica).count
        slotsCovered = snapshot.masters.reduce(SlotSet()) { $0.union($1.slots) }.count
        keysPerSlot = summary.keysPerSlot
    }
}

struct CheckJSON: Encodable {
    let schema = "rcluster.check/1"
    let entry: String
    let ok: Bool
    let nodesAgree: Bool
    let openSlots: [Int]
    let uncoveredSlots: [String]
    let nodes: [NodeJSON]
    let totals: TotalsJSON
    let findings: [CheckFinding]

    init(_ report: CheckReport) {
        let snapshot = report.snapshot
        entry = "\(snapshot.entry.address)"
        ok = report.isHealthy
        nodesAgree = report.nodesAgree
        openSlots = report.openSlotNumbers
        uncoveredSlots = report.uncoveredSlots.ranges.map(\.description)
        nodes = snapshot.nodes.map { NodeJSON($0, in: snapshot) }
        totals = TotalsJSON(snapshot)
        findings = report.findings
    }
}

struct InfoJSON: Encodable {
    let schema = "rcluster.info/1"
    let entry: String
    let masters: [NodeJSON]
    let totals: TotalsJSON

    init(_ snapshot: ClusterSnapshot) {
        entry = "\(snapshot.entry.address)"
        masters = snapshot.masters.map { NodeJSON($0, in: snapshot) }
        totals = TotalsJSON(snapshot)
    }
}
