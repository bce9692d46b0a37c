/// GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH(STORE) and the GEORADIUS
/// family (geo.c): points are sorted-set members scored by their 52-bit geohash.
enum GeoCommands {
    static let all: [(String, CommandHandler)] = [
        ("geoadd", geoadd), ("geopos", geopos), ("geodist", geodist), ("geohash", geohash),
        ("geosearch", geosearch), ("geosearchstore", geosearchstore),
        ("georadius", georadius), ("georadius_ro", georadiusRO), ("georadiusbymember", georadiusByMember),
        ("georadiusbymember_ro", georadiusByMemberRO),
    ]

    /// extractLongLatOrReply.
    static func coordinates(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int) -> (Double, Double)? {
        guard let longitude = ZSetCommands.double(a[index]), let latitude = ZSetCommands.double(a[index + 1]) else {
            e.fail(c, "ERR value is not a valid float")
            return nil
        }
        guard longitude >= -180, longitude <= 180, latitude >= Geohash.latitudeRange.min, latitude <= Geohash.latitudeRange.max else {
            e.fail(c, "ERR invalid longitude,latitude pair \(String(format6: longitude)),\(String(format6: latitude))")
            return nil
        }
        return (longitude, latitude)
    }

    static func unit(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int) -> Double? {
        switch a.lowercased(index) {
        case "m": return 1
        case "km": return 1000
        case "ft": return 0.3048
        case "mi": return 1609.34
        default:
            e.fail(c, "ERR unsupported unit provided. please use M, KM, FT, MI")
            return nil
        }
    }

    /// fixedpoint_d2string with 4 decimals, as GEODIST and WITHDIST print.
    static func distanceText(_ value: Double) -> String {
        let scaled = Int64((value * 10000).rounded(.toNearestOrEven))
        let negative = scaled < 0
        let magnitude = scaled.magnitude
        let fraction = String(magnitude % 10000).leftPadded(4)
        return (negative ? "-" : "") + "\(magnitude / 10000).\(fraction)"
    }

    /// addReplyHumanLongDouble: %.17Lf without trailing zeros.
    static func coordinate(_ c: ClientSession, _ value: Double) {
        let text = LongDouble.humanFriendly(Float80(value))
        if c.reply.protocolVersion == 3 {
            c.reply.raw([UInt8(ascii: ",")] + text + [13, 10])
        } else {
            c.reply.bulk(text)
        }
    }

    static func geoadd(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var index = 2
        var flags: [String] = []
        while index < a.count {
            if a.isWord(index, "nx") || a.isWord(index, "xx") || a.isWord(index, "ch") { flags.append(a.string(index)) } else { break }
            index += 1
        }
        let nx = flags.contains { $0.lowercased() == "nx" }, xx = flags.contains { $0.lowercased() == "xx" }
        guard (a.count - index) % 3 == 0, !(nx && xx) else { return e.fail(c, "ERR syntax error") }
        var members: [[UInt8]] = []
        var scores: [String] = []
        while index < a.count {
            guard let (longitude, latitude) = coordinates(e, c, a, index) else { return }
            let hash = Geohash.encode(longitude: longitude, latitude: latitude, step: Geohash.stepMax)!
            scores.append(String(Geohash.align52(hash)))
            members.append(a[index + 2])
            index += 3
        }
        var bytes = [Array("zadd".utf8), a[1]] + flags.map { Array($0.utf8) }
        for (score, member) in zip(scores, members) { bytes += [Array(score.utf8), member] }
        // GEOADD is ZADD with the coordinates encoded as scores, as in geo.c; it goes out as that ZADD.
        let dirtyBefore = e.dirty
        ZSetCommands.zadd(e, c, Arguments(bytes: bytes))
        if e.dirty != dirtyBefore { e.propagate(as: bytes) }
    }

    static func zset(_ e: NodeEngine, _ c: ClientSession, _ key: [UInt8]) -> ZSetValue?? {
        ZSetCommands.read(e, c, key)
    }

    static func geopos(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        guard let found = zset(e, c, a[1]) else { return }
        c.reply.array(a.count - 2)
        for index in 2..<a.count {
            guard let score = found?.score(a[index]), let point = Geohash.coordinates(score: score) else {
                c.reply.nullArray()
                continue
            }
            c.reply.array(2)
            coordinate(c, point.longitude)
            coordinate(c, point.latitude)
        }
    }

    static func geodist(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        var toMeters = 1.0
        if a.count == 5 {
            guard let value = unit(e, c, a, 4) else { return }
            toMeters = value
        } else if a.count > 5 {
            return e.fail(c, "ERR syntax error")
        }
        guard let found = zset(e, c, a[1]) else { return }
        guard let set = found else { return c.reply.null() }
        guard let first = set.score(a[2]), let second = set.score(a[3]),
              let p = Geohash.coordinates(score: first), let q = Geohash.coordinates(score: second) else { return c.reply.null() }
        c.reply.bulk(distanceText(Geohash.distance(p.longitude, p.latitude, q.longitude, q.latitude) / toMeters))
    }

    static func geohash(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) {
        let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz".utf8)
        guard let found = zset(e, c, a[1]) else { return }
        c.reply.array(a.count - 2)
        for index in 2..<a.count {
            guard let score = found?.score(a[index]), let point = Geohash.coordinates(score: score),
                  let hash = Geohash.encode(longitude: point.longitude, latitude: point.latitude, step: 26,
                                            longitudeRange: (-180, 180), latitudeRange: (-90, 90)) else {
                c.reply.null()
                continue
            }
            let text = (0..<11).map { position -> UInt8 in
                position == 10 ? alphabet[0] : alphabet[Int((hash.bits >> (52 - UInt64(position + 1) * 5)) & 0x1F)]
            }
            c.reply.bulk(text)
        }
    }

    struct Flags: OptionSet {
        let rawValue: Int
        static let coordinates = Flags(rawValue: 1)
        static let member = Flags(rawValue: 2)
        static let noStore = Flags(rawValue: 4)
        static let search = Flags(rawValue: 8)
        static let searchStore = Flags(rawValue: 16)
    }

    static func georadius(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { radiusGeneric(e, c, a, source: 1, [.coordinates]) }
    static func georadiusRO(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { radiusGeneric(e, c, a, source: 1, [.coordinates, .noStore]) }
    static func georadiusByMember(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { radiusGeneric(e, c, a, source: 1, [.member]) }
    static func georadiusByMemberRO(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { radiusGeneric(e, c, a, source: 1, [.member, .noStore]) }
    static func geosearch(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { radiusGeneric(e, c, a, source: 1, [.search]) }
    static func geosearchstore(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments) { radiusGeneric(e, c, a, source: 2, [.search, .searchStore]) }

    /// georadiusGeneric.
    static func radiusGeneric(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, source: Int, _ flags: Flags) {
        guard let found = zset(e, c, a[source]) else { return }
        var shape = Geohash.Shape()
        var base = 0
        var store: [UInt8]?
        var storeDistance = false
        if flags.contains(.coordinates) {
            base = 6
            guard let (longitude, latitude) = coordinates(e, c, a, 2) else { return }
            (shape.longitude, shape.latitude) = (longitude, latitude)
            guard distance(e, c, a, 4, &shape) else { return }
        } else if flags.contains(.member) && found == nil {
            base = 5
        } else if flags.contains(.member) {
            base = 5
            guard let score = found!.score(a[2]), let point = Geohash.coordinates(score: score) else {
                return e.fail(c, "ERR could not decode requested zset member")
            }
            (shape.longitude, shape.latitude) = point
            guard distance(e, c, a, 3, &shape) else { return }
        } else {
            base = 2
            if flags.contains(.searchStore) {
                base = 3
                store = a[1]
            }
        }
        var withDist = false, withHash = false, withCoord = false
        var fromMember = false, fromLocation = false, byRadius = false, byBox = false
        var order = 0  // 0 none, 1 asc, 2 desc
        var any = false
        var count: Int64 = 0
        var index = base
        while index < a.count {
            let remaining = a.count - index - 1
            if a.isWord(index, "withdist") { withDist = true }
            else if a.isWord(index, "withhash") { withHash = true }
            else if a.isWord(index, "withcoord") { withCoord = true }
            else if a.isWord(index, "any") { any = true }
            else if a.isWord(index, "asc") { order = 1 }
            else if a.isWord(index, "desc") { order = 2 }
            else if a.isWord(index, "count") && remaining >= 1 {
                guard let value = a.integer(index + 1) else { return e.fail(c, "ERR value is not an integer or out of range") }
                guard value > 0 else { return e.fail(c, "ERR COUNT must be > 0") }
                count = value
                index += 1
            } else if (a.isWord(index, "store") || a.isWord(index, "storedist")) && remaining >= 1
                        && !flags.contains(.noStore) && !flags.contains(.search) {
                storeDistance = a.isWord(index, "storedist")
                store = a[index + 1]
                index += 1
            } else if a.isWord(index, "storedist") && flags.contains(.search) && flags.contains(.searchStore) {
                storeDistance = true
            } else if a.isWord(index, "frommember") && remaining >= 1 && flags.contains(.search) && !fromLocation {
                if let set = found {
                    guard let score = set.score(a[index + 1]), let point = Geohash.coordinates(score: score) else {
                        return e.fail(c, "ERR could not decode requested zset member")
                    }
                    (shape.longitude, shape.latitude) = point
                }
                fromMember = true
                index += 1
            } else if a.isWord(index, "fromlonlat") && remaining >= 2 && flags.contains(.search) && !fromMember {
                guard let (longitude, latitude) = coordinates(e, c, a, index + 1) else { return }
                (shape.longitude, shape.latitude) = (longitude, latitude)
                fromLocation = true
                index += 2
            } else if a.isWord(index, "byradius") && remaining >= 2 && flags.contains(.search) && !byBox {
                guard distance(e, c, a, index + 1, &shape) else { return }
                byRadius = true
                index += 2
            } else if a.isWord(index, "bybox") && remaining >= 3 && flags.contains(.search) && !byRadius {
                guard let width = ZSetCommands.double(a[index + 1]) else { return e.fail(c, "ERR need numeric width") }
                guard let height = ZSetCommands.double(a[index + 2]) else { return e.fail(c, "ERR need numeric height") }
                guard width >= 0, height >= 0 else { return e.fail(c, "ERR height or width cannot be negative") }
                guard let conversion = unit(e, c, a, index + 3) else { return }
                (shape.width, shape.height, shape.conversion, shape.radius) = (width, height, conversion, nil)
                byBox = true
                index += 3
            } else {
                return e.fail(c, "ERR syntax error")
            }
            index += 1
        }
        if store != nil && (withDist || withHash || withCoord) {
            return e.fail(c, "ERR \(flags.contains(.searchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
        }
        if flags.contains(.search) && !(fromMember || fromLocation) {
            return e.fail(c, "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for \(a.string(0))")
        }
        if flags.contains(.search) && !(byRadius || byBox) {
            return e.fail(c, "ERR exactly one of BYRADIUS and BYBOX can be specified for \(a.string(0))")
        }
        if any && count == 0 { return e.fail(c, "ERR the ANY argument requires COUNT argument") }
        guard let set = found else {
            if let store {
                if e.delete(c.db, store) { e.notify(.generic, "del", store, db: c.db) }
                return c.reply.integer(0)
            }
            return c.reply.emptyArray()
        }
        if count != 0 && order == 0 && !any { order = 1 }
        var points: [(member: [UInt8], score: Double, distance: Double, longitude: Double, latitude: Double)] = []
        let limit = any ? Int(count) : 0
        var lastProcessed: Geohash.Bits?
        for box in Geohash.searchBoxes(shape) where !box.isZero {
            if let lastProcessed, lastProcessed == box { continue }
            if limit > 0 && points.count >= limit { break }
            let low = Double(Geohash.align52(box))
            let high = Double(Geohash.align52(Geohash.Bits(bits: box.bits + 1, step: box.step)))
            let ranks = ZSetCommands.ranks(set, ZSetCommands.ScoreRange(min: low, max: high, minExclusive: false, maxExclusive: true))
            for entry in set.entries(ranks) {
                if let point = Geohash.coordinates(score: entry.score), let distance = shape.contains(point.longitude, point.latitude) {
                    points.append((entry.member, entry.score, distance, point.longitude, point.latitude))
                }
                if limit > 0 && points.count >= limit { break }
            }
            lastProcessed = box
        }
        if points.isEmpty && store == nil { return c.reply.emptyArray() }
        let returned = count == 0 || points.count < Int(count) ? points.count : Int(count)
        if order != 0 {
            let indexed = points.enumerated().map { ($0.offset, $0.element) }
            points = indexed.sorted { x, y in
                if x.1.distance != y.1.distance { return order == 1 ? x.1.distance < y.1.distance : x.1.distance > y.1.distance }
                return x.0 < y.0
            }.map(\.1)
        }
        let picked = points.prefix(returned)
        if let store {
            if picked.isEmpty {
                if e.delete(c.db, store) { e.notify(.generic, "del", store, db: c.db) }
            } else {
                let result = ZSetValue()
                for point in picked {
                    let score = storeDistance ? point.distance / shape.conversion : point.score
                    result.set(point.member, score, limits: e.encodingLimits, seed: e.hashSeed, random: &e.random)
                }
                e.store(c, store, .zset(result))
                e.notify(.zsets, named: flags.contains(.search) ? "geosearchstore" : "georadiusstore", store, db: c.db)
            }
            return c.reply.integer(picked.count)
        }
        let options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0)
        c.reply.array(picked.count)
        for point in picked {
            if options > 0 { c.reply.array(options + 1) }
            c.reply.bulk(point.member)
            if withDist { c.reply.bulk(distanceText(point.distance / shape.conversion)) }
            if withHash { c.reply.integer(Int64(point.score)) }
            if withCoord {
                c.reply.array(2)
                coordinate(c, point.longitude)
                coordinate(c, point.latitude)
            }
        }
    }

    /// extractDistanceOrReply.
    static func distance(_ e: NodeEngine, _ c: ClientSession, _ a: Arguments, _ index: Int, _ shape: inout Geohash.Shape) -> Bool {
        guard let radius = ZSetCommands.double(a[index]) else {
            e.fail(c, "ERR need numeric radius")
            return false
        }
        guard radius >= 0 else {
            e.fail(c, "ERR radius cannot be negative")
            return false
        }
        guard let conversion = unit(e, c, a, index + 1) else { return false }
        shape.radius = radius
        shape.conversion = conversion
        return true
    }
}
