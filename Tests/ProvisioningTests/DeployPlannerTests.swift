import Foundation
import Testing
@testable import Provisioning

@Suite struct DeployPlannerTests {
    static let host = InventoryHost(
        name: "h1", address: "10.0.0.1", zone: nil, ssh: SSHSettings(user: "root", port: 22, keyPath: nil), ports: [7000, 7003],
        container: ContainerSpec(image: "redis:7.0.15", pull: .missing, dataRoot: "/var/lib/redis", cpus: "1", memory: "2g",
                                 memorySwap: nil, restart: "always", network: "host"),
        config: [RedisDirective(name: "appendonly", value: "yes")], line: 1)

    static func nodes(_ host: InventoryHost = host) -> [NodeDeployment] {
        host.ports.map { NodeDeployment(host: host, port: $0, clusterName: "c", config: "port \($0)\n") }
    }

    /// A host where everything already matches.
    static func converged(_ nodes: [NodeDeployment] = nodes()) -> ObservedHost {
        var host = ObservedHost(docker: .running(version: "20.10"))
        host.imagePresent = true
        for node in nodes {
            host.configs[node.port] = node.config
            host.appliedConfigs[node.port] = node.config
            host.containers[node.containerName] = .init(name: node.containerName, state: "running", cluster: "c", spec: node.containerSpec)
            host.listeners[node.port] = "redis-server (pid 1)"
        }
        return host
    }

    @Test func aFreshHostGetsDirectoriesConfigsAndContainers() {
        let plan = DeployPlanner.plan(nodes: Self.nodes(), observed: ObservedHost(docker: .running(version: "20.10")))
        #expect(plan.blockers.isEmpty)
        #expect(plan.actions == [.pullImage("redis:7.0.15"), .writeConfig(port: 7000, isNew: true), .runContainer(port: 7000),
                                 .writeConfig(port: 7003, isNew: true), .runContainer(port: 7003)])
    }

    @Test func aConvergedHostHasNothingToDo() {
        #expect(DeployPlanner.plan(nodes: Self.nodes(), observed: Self.converged()).isUnchanged)
    }

    @Test func aChangedConfigRewritesAndRestartsOnlyThatNode() {
        var observed = Self.converged()
        observed.configs[7003] = "port 7003\nmaxmemory 1gb\n"
        observed.appliedConfigs[7003] = observed.configs[7003]
        let plan = DeployPlanner.plan(nodes: Self.nodes(), observed: observed)
        #expect(plan.actions == [.writeConfig(port: 7003, isNew: false), .restartNode(port: 7003)])
        #expect(plan.restarts == [7003])
        #expect(plan.immediateActions == [.writeConfig(port: 7003, isNew: false)])
    }

    @Test func aNodeStillRunningAnOlderConfigIsRestartedEvenIfTheFileIsCurrent() {
        // A deploy interrupted after writing redis.conf, before the restart.
        var observed = Self.converged()
        observed.appliedConfigs[7000] = "port 7000\nold\n"
        #expect(DeployPlanner.plan(nodes: Self.nodes(), observed: observed).actions == [.restartNode(port: 7000)])
    }

    @Test func aStoppedContainerIsStartedAndAChangedSpecRecreated() {
        var observed = Self.converged()
        observed.containers["redis-7000"]?.state = "exited"
        observed.listeners[7000] = nil
        observed.containers["redis-7003"]?.spec = "image=redis:6.0.8 network=host"
        let plan = DeployPlanner.plan(nodes: Self.nodes(), observed: observed)
        #expect(plan.actions == [.startContainer(port: 7000), .recreateContainer(port: 7003, was: "image=redis:6.0.8 network=host")])
    }

    @Test func blockersNameTheHostAndTheFix() {
        var observed = ObservedHost(docker: .running(version: "20.10"))
        observed.imagePresent = true
        observed.containers["redis-7000"] = .init(name: "redis-7000", state: "running", cluster: "", spec: "")
        observed.listeners[17003] = "nginx (pid 42)"
        let plan = DeployPlanner.plan(nodes: Self.nodes(), observed: observed)
        #expect(plan.blockers == [
            "container redis-7000 on h1 was not made by rcluster deploy; remove or rename it, or change the port in the inventory",
            "port 17003 (cluster bus of 7003) on h1 is in use by nginx (pid 42); free it or pick another port in the inventory",
        ])
    }

    @Test func noDockerOrNoImageBlocks() {
        #expect(DeployPlanner.plan(nodes: Self.nodes(), observed: ObservedHost(docker: .notInstalled)).blockers.first?.contains("Docker is not installed on h1 (10.0.0.1)") == true)
        var never = Self.host
        never.container.pull = .never
        let plan = DeployPlanner.plan(nodes: Self.nodes(never), observed: ObservedHost(docker: .running(version: "x")))
        #expect(plan.blockers.first == "image redis:7.0.15 is not on h1 and pull is never; load it there (docker load) or set pull: missing")
    }

    @Test func inspectionOutputIsParsed() {
        let config = Data("port 7000\n".utf8).base64EncodedString()
        let output = """
            docker ok 20.10.24+dfsg1
            conf 7000 \(config)
            applied 7000 \(config)
            container redis-7000\trunning\tseed\timage=redis:7.0.15 network=host
            container other\texited\t\t
            image present
            listeners known
            listen 10.0.0.1:7000 users:(("redis-server",pid=123,fd=6))
            listen [::1]:22 users:(("sshd",pid=9,fd=3))
            """
        let host = HostInspection.parse(output)
        #expect(host.docker == .running(version: "20.10.24+dfsg1"))
        #expect(host.configs == [7000: "port 7000\n"] && host.appliedConfigs == [7000: "port 7000\n"])
        #expect(host.containers["redis-7000"] == .init(name: "redis-7000", state: "running", cluster: "seed", spec: "image=redis:7.0.15 network=host"))
        #expect(host.containers["other"]?.cluster == "")
        #expect(host.imagePresent && host.listenersKnown)
        #expect(host.listeners == [7000: "redis-server (pid 123)", 22: "sshd (pid 9)"])
        #expect(HostInspection.parse("docker missing\n").docker == .notInstalled)
    }

    @Test func theRunCommandIsTheSeedsWithLabelsAndWithoutPrivileged() {
        let node = Self.nodes()[0]
        #expect(ShellQuote.join(node.runArguments) == "docker run -d --name redis-7000 --label io.rcluster.cluster=c --label io.rcluster.port=7000 "
            + "--label 'io.rcluster.spec=image=redis:7.0.15 network=host restart=always data=/var/lib/redis/7000 cpus=1 memory=2g' "
            + "--net host --restart always --cpus 1 --memory 2g -v /var/lib/redis/7000:/data redis:7.0.15 redis-server /data/redis.conf")
        #expect(ShellQuote.quote("it's") == #"'it'\''s'"#)
    }

    @Test func aHostNameIsBoundAsTheIPItResolvesTo() throws {
        var named = Self.host
        named.address = "localhost"
        #expect(try DeploymentSpec.bindAddress(named) == "127.0.0.1")
        named.address = "no-such-host.invalid"
        #expect(throws: ProvisioningError.self) { try DeploymentSpec.bindAddress(named) }
    }

    @Test func redisConfKeepsProtectedModeAndBindsToTheHost() {
        let text = RedisConfRenderer.render(host: Self.host, port: 7000, bindAddress: "10.0.0.1", password: "s3cret", inventoryName: "seed.yml")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("bind 10.0.0.1 127.0.0.1") && lines.contains("protected-mode yes") && lines.contains("cluster-enabled yes"))
        #expect(lines.contains("requirepass \"s3cret\"") && lines.contains("masterauth \"s3cret\""))
        #expect(lines.last == "appendonly yes")
    }
}

@Suite struct SecretsFileTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("rcluster-test-secrets-\(UUID().uuidString)/c.secrets.yml").path
    }

    @Test func generatesOnceWithOwnerOnlyModeThenReuses() throws {
        let path = temporaryPath()
        let first = try SecretsFile.loadOrCreate(path: path)
        guard case .generated(let password) = first else { Issue.record("expected a new password"); return }
        #expect(password.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try SecretsFile.loadOrCreate(path: path) == .loaded(password))
    }

    @Test func refusesAFileOthersCanRead() throws {
        let path = temporaryPath()
        _ = try SecretsFile.loadOrCreate(path: path)
        chmod(path, 0o644)
        #expect(throws: ProvisioningError.self) { try SecretsFile.load(path: path) }
    }
}
