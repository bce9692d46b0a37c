extension Result where Failure == ProvisioningError {
    /// Runs a typed-throwing async body into a Result (as ClusterAdmin does:
    /// `do throws(...)` inside task-group children was miscompiled in release builds).
    public init(catching body: () async throws(ProvisioningError) -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
