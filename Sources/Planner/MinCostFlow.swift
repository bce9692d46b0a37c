/// Min-cost max-flow by successive shortest paths (Bellman-Ford queue, so
/// negative edge costs are fine on the acyclic graphs the planner builds).
/// Graphs here are small: a few hundred vertices and some thousand edges.
struct MinCostFlow {
    private struct Edge {
        let to: Int
        var capacity: Int
        let cost: Int
        let reverse: Int
        /// False for the residual twin that every edge gets.
        let isForward: Bool
    }

    private var edges: [[Edge]]

    init(vertexCount: Int) {
        edges = Array(repeating: [], count: vertexCount)
    }

    mutating func addVertex() -> Int {
        edges.append([])
        return edges.count - 1
    }

    mutating func addEdge(from: Int, to: Int, capacity: Int, cost: Int) {
        edges[from].append(Edge(to: to, capacity: capacity, cost: cost, reverse: edges[to].count, isForward: true))
        edges[to].append(Edge(to: from, capacity: 0, cost: -cost, reverse: edges[from].count - 1, isForward: false))
    }

    /// Sends as much flow as possible from source to sink at the least cost.
    mutating func solve(source: Int, sink: Int) -> (flow: Int, cost: Int) {
        var flow = 0, cost = 0
        let vertexCount = edges.count
        while true {
            var distance = [Int](repeating: .max, count: vertexCount)
            var previous = [(vertex: Int, edge: Int)?](repeating: nil, count: vertexCount)
            var inQueue = [Bool](repeating: false, count: vertexCount)
            var queue = [source]
            var head = 0
            distance[source] = 0
            while head < queue.count {
                let vertex = queue[head]
                head += 1
                inQueue[vertex] = false
                for (index, edge) in edges[vertex].enumerated() where edge.capacity > 0 {
                    let candidate = distance[vertex] + edge.cost
                    if candidate < distance[edge.to] {
                        distance[edge.to] = candidate
                        previous[edge.to] = (vertex, index)
                        if !inQueue[edge.to] {
                            inQueue[edge.to] = true
                            queue.append(edge.to)
                        }
                    }
                }
            }
            guard distance[sink] != .max else { return (flow, cost) }
            var bottleneck = Int.max
            var vertex = sink
            while let step = previous[vertex] {
                bottleneck = min(bottleneck, edges[step.vertex][step.edge].capacity)
                vertex = step.vertex
            }
            vertex = sink
            while let step = previous[vertex] {
                edges[step.vertex][step.edge].capacity -= bottleneck
                let reverse = edges[step.vertex][step.edge].reverse
                edges[vertex][reverse].capacity += bottleneck
                vertex = step.vertex
            }
            flow += bottleneck
            cost += bottleneck * distance[sink]
        }
    }

    /// Destinations of the flow leaving `vertex`, one entry per unit of flow.
    func flowTargets(from vertex: Int) -> [Int] {
        edges[vertex].filter(\.isForward).flatMap { edge in
            Array(repeating: edge.to, count: edges[edge.to][edge.reverse].capacity)
        }
    }
}
