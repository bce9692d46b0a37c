import ClusterModel
import Testing
import TestSupport

@Suite struct ClusterNodesTextTests {
    static let fixtures = (try? Fixtures.files(in: "cluster-nodes", withExtension: "txt")) ?? []

    @Test func fixturesExist() {
        #expect(Self.fixtures.count >= 8)
    }

    @Test(arguments: fixtures)
    func fixtureRoundTripsByteForByte(path: String) throws {
        let text = try Fixtures.text(path)
        let entries = try ClusterNodesText.parse(text)
        #expect(!entries.isEmpty)
        #expect(entries.filter(\.isMyself).count == 1)
        #expect(ClusterNodesText.render(entries) == text)
    }

    @Test func healthyClusterHasThreeMastersCoveringEverySlot() throws {
        let entries = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/healthy-6-nodes.txt"))
        let masters = entries.filter(\.isMaster)
        #expect(masters.count == 3)
        #expect(masters.reduce(SlotSet()) { $0.union($1.slots) } == .full)
        let replicas = entries.filter(\.isReplica)
        #expect(replicas.count == 3)
        #expect(Set(replicas.compactMap(\.masterID)) == Set(masters.map(\.id)))
    }

    @Test func migrationMarkersAreParsed() throws {
        let source = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/migrating-importing.txt"))
        let myself = try #require(source.first { $0.isMyself })
        #expect(myself.migrating.map(\.slot) == [100])
        let target = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/importing.txt"))
        let importer = try #require(target.first { $0.isMyself })
        #expect(importer.importing.map(\.slot) == [100])
        #expect(myself.migrating.first?.to == target.first(where: \.isMyself)?.id)
    }

    @Test func failureFlagsAndEmptyAddresses() throws {
        let failed = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/failed-node.txt"))
        #expect(failed.contains { $0.has(.failing) && $0.linkState == .disconnected })
        let pfail = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/pfail.txt"))
        #expect(pfail.contains { $0.has(.possiblyFailing) })
        let single = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/single-node-empty.txt"))
        #expect(single.count == 1 && single[0].ip.isEmpty)
        let handshake = try ClusterNodesText.parse(try Fixtures.text("cluster-nodes/handshake.txt"))
        #expect(handshake.contains { $0.has(.handshake) })
    }

    @Test func hostnameAndIPv6Addresses() throws {
        let line = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca ::1:7000@17000,node-a.example myself,master - 0 0 1 connected 0-5460 [93->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f] [94-<-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]"
        let entry = try ClusterNodeEntry(parsing: Substring(line))
        #expect(entry.ip == "::1")
        #expect(entry.port == 7000 && entry.busPort == 17000)
        #expect(entry.hostname == "node-a.example")
        #expect(entry.address.description == "[::1]:7000")
        #expect(entry.slotRanges == [SlotRange(0, 5460)])
        #expect(entry.migrating.map(\.slot) == [93])
        #expect(entry.importing.map(\.slot) == [94])
        #expect(entry.description == line)
    }

    @Test(arguments: [
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 master - 0 0 1", "at least 8 fields"),
        ("short 127.0.0.1:7000@17000 master - 0 0 1 connected", "40-character node ID"),
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000 master - 0 0 1 connected", "ip:port@cport"),
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 master - x 0 1 connected", "integers"),
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 master - 0 0 1 linked", "link state"),
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 master - 0 0 1 connected 0-16384", "slot"),
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 master - 0 0 1 connected [5->x", "slot"),
        ("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:7000@17000 slave nope 0 0 1 connected", "master ID"),
    ])
    func malformedLinesSayWhatIsWrong(line: String, reason: String) {
        do {
            _ = try ClusterNodesText.parse("\n" + line + "\n")
            Issue.record("parsed a malformed line: \(line)")
        } catch {
            #expect(error.lineNumber == 2)
            #expect(error.reason.contains(reason))
        }
    }
}
