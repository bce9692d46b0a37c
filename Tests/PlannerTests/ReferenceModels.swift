import ClusterModel
import Planner

/// redis-cli's replica allocation (rotate, first node on another host,
/// then up to 500*N random swaps keeping non-worse scores), for comparison.
enum ReferenceAllocation {
    static func score(layout: ClusterLayout, nodes: [PlannerNode], seed: UInt64) -> (withMaster: Int, score: Int) {
        let masters = layout.masters.map(\.node)
        var pool = (layout.replicas.map(\.node) + layout.emptyMasters)
        if !pool.isEmpty { pool.append(pool.removeFirst()) }
        var assignment: [(node: PlannerNode, master: Int)] = []
        for (index, master) in masters.enumerated() {
            for _ in 0..<layout.replicasPerMaster {
                guard !pool.isEmpty else { break }
                let pick = pool.firstIndex { $0.host != master.host } ?? 0
                assignment.append((pool.remove(at: pick), index))
            }
        }
        for index in masters.indices where !pool.isEmpty {
            let pick = pool.firstIndex { $0.host != masters[index].host } ?? 0
            assignment.append((pool.remove(at: pick), index))
        }
        var random = SplitMix64(seed: seed ^ 0xABCDEF)
        var best = evaluate(assignment, masters)
        for _ in 0..<(500 * nodes.count) where best.score > 0 && assignment.count > 1 {
            let first = Int.random(in: 0..<assignment.count, using: &random)
            let second = Int.random(in: 0..<assignment.count, using: &random)
            var trial = assignment
            (trial[first].master, trial[second].master) = (trial[second].master, trial[first].master)
            let score = evaluate(trial, masters)
            if score.score <= best.score {
                assignment = trial
                best = score
            }
        }
        return best
    }

    static func evaluate(_ assignment: [(node: PlannerNode, master: Int)], _ masters: [PlannerNode]) -> (withMaster: Int, score: Int) {
        var withMaster = 0, score = 0
        for (index, master) in masters.enumerated() {
            let own = assignment.filter { $0.master == index }.map(\.node)
            withMaster += own.filter { $0.host == master.host }.count
            let groups = Dictionary(grouping: own.filter { $0.host != master.host }, by: \.host)
            score += groups.values.filter { $0.count > 1 }.map(\.count).reduce(0, +)
        }
        return (withMaster, withMaster * 10_000 + score)
    }
}

/// Tries every assignment of candidates to masters with the planner's rules.
enum ExhaustiveSearch {
    static func best(masters: [PlannerNode], candidates: [PlannerNode], replicas: Int) -> (withMaster: Int, sharing: Int) {
        let target = min(candidates.count, masters.count * (replicas + 1))
        var best = (withMaster: Int.max, sharing: Int.max)
        var counts = [Int](repeating: 0, count: masters.count)
        var chosen: [(PlannerNode, Int)] = []
        func visit(_ index: Int) {
            if index == candidates.count {
                guard chosen.count == target, counts.allSatisfy({ $0 >= min(replicas, candidates.count / masters.count) }) else { return }
                guard counts.allSatisfy({ $0 >= replicas }) || candidates.count < masters.count * replicas else { return }
                var withMaster = 0, sharing = 0
                for (m, master) in masters.enumerated() {
                    let own = chosen.filter { $0.1 == m }.map(\.0)
                    withMaster += own.filter { $0.host == master.host }.count
                    var seen: Set<String> = []
                    for node in own where node.host != master.host && !seen.insert(node.host).inserted { sharing += 1 }
                }
                if (withMaster, sharing) < best { best = (withMaster, sharing) }
                return
            }
            visit(index + 1)  // stays unassigned (an empty master)
            for m in masters.indices where counts[m] < replicas + 1 {
                counts[m] += 1
                chosen.append((candidates[index], m))
                visit(index + 1)
                chosen.removeLast()
                counts[m] -= 1
            }
        }
        visit(0)
        return best
    }
}
