/// What deploy will do on one host, or why it cannot.
public struct HostPlan: Sendable {
    public var host: InventoryHost
    public var nodes: [NodeDeployment]
    public var actions: [DeployAction]
    /// Problems that stop deploy on this host before anything changes.
    public var blockers: [String]

    public var isUnchanged: Bool { actions.isEmpty && blockers.isEmpty }
    public var restarts: [Int] { actions.compactMap { if case .restartNode(let port) = $0 { return port } else { return nil } } }
    /// Actions done in the parallel phase (all but rolling restarts).
    public var immediateActions: [DeployAction] { actions.filter { if case .restartNode = $0 { return false } else { return true } } }
}
