import ClusterAdmin
import Planner

/// `create --dry-run --json`: schema `rcluster.create-plan/1` (Docs/json-output.md).
/// Holds nothing that varies between runs, so `--seed` reproduces it byte for byte.
struct LayoutJSON: Encodable {
    struct Master: Encodable {
        let address: String
        let id: String
        let host: String
        let zone: String?
        let slots: String
        let slotCount: Int
    }

    struct Replica: Encodable {
        let address: String
        let id: String
        let host: String
        let zone: String?
        let master: String
        let masterId: String
    }

    struct Problem: Encodable {
        let kind: String
        let replica: String
        let master: String
        let shared: String
    }

    struct AntiAffinity: Encodable {
        let perfect: Bool
        let referenceScore: Int
        let problems: [Problem]
        let reasons: [String]
    }

    let schema = "rcluster.create-plan/1"
    let seed: String
    let replicasPerMaster: Int
    let masters: [Master]
    let replicas: [Replica]
    let emptyMasters: [String]
    let antiAffinity: AntiAffinity

    init(_ layout: ClusterLayout, nodes: [ProbedNode]) {
        let id = Dictionary(uniqueKeysWithValues: nodes.map { ("\($0.address)", $0.id) })
        seed = String(layout.seed)
        replicasPerMaster = layout.replicasPerMaster
        masters = layout.masters.map {
            Master(address: "\($0.node.address)", id: id["\($0.node.address)"] ?? "", host: $0.node.host,
                   zone: $0.node.zone, slots: $0.slots.description, slotCount: $0.slots.count)
        }
        replicas = layout.replicas.map {
            let master = layout.masters[$0.master].node
            return Replica(address: "\($0.node.address)", id: id["\($0.node.address)"] ?? "", host: $0.node.host,
                           zone: $0.node.zone, master: "\(master.address)", masterId: id["\(master.address)"] ?? "")
        }
        emptyMasters = layout.emptyMasters.map { "\($0.address)" }
        antiAffinity = AntiAffinity(
            perfect: layout.antiAffinity.isPerfect, referenceScore: layout.antiAffinity.referenceScore,
            problems: layout.antiAffinity.problems.map {
                Problem(kind: $0.kind.rawValue, replica: "\($0.replica.address)", master: "\($0.master.address)", shared: $0.domain)
            },
            reasons: layout.antiAffinity.reasons)
    }
}

/// `create --json --yes`: schema `rcluster.create/1`.
struct CreateJSON: Encodable {
    let schema = "rcluster.create/1"
    let plan: LayoutJSON
    let check: CheckJSON
}
