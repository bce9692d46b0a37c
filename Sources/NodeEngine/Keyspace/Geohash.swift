#if canImport(Glibc)
import Glibc
#endif

/// The geohash arithmetic of redis-server's geohash.c and geohash_helper.c:
/// 52-bit interleaved scores (latitude on even bits) over
/// [-180, 180] x [-85.05112878, 85.05112878], the 9-box neighbourhood of a
/// search, and haversine distances on a 6372797.560856 m sphere. Ported
/// operation for operation, so searches visit boxes, and find members, in
/// redis-server's order.
enum Geohash {
    static let longitudeRange = (min: -180.0, max: 180.0)
    static let latitudeRange = (min: -85.05112878, max: 85.05112878)
    static let stepMax: UInt8 = 26
    static let earthRadius = 6372797.560856
    static let mercatorMax = 20037726.37

    struct Bits: Equatable {
        var bits: UInt64
        var step: UInt8
        var isZero: Bool { bits == 0 && step == 0 }
    }

    struct Area {
        var longitude: (min: Double, max: Double)
        var latitude: (min: Double, max: Double)
    }

    static func interleave(_ xlo: UInt32, _ ylo: UInt32) -> UInt64 {
        let b: [UInt64] = [0x5555_5555_5555_5555, 0x3333_3333_3333_3333, 0x0F0F_0F0F_0F0F_0F0F, 0x00FF_00FF_00FF_00FF, 0x0000_FFFF_0000_FFFF]
        let s: [UInt64] = [1, 2, 4, 8, 16]
        var x = UInt64(xlo), y = UInt64(ylo)
        for index in stride(from: 4, through: 0, by: -1) {
            x = (x | (x << s[index])) & b[index]
            y = (y | (y << s[index])) & b[index]
        }
        return x | (y << 1)
    }

    static func deinterleave(_ interleaved: UInt64) -> UInt64 {
        let b: [UInt64] = [0x5555_5555_5555_5555, 0x3333_3333_3333_3333, 0x0F0F_0F0F_0F0F_0F0F, 0x00FF_00FF_00FF_00FF,
                           0x0000_FFFF_0000_FFFF, 0x0000_0000_FFFF_FFFF]
        let s: [UInt64] = [0, 1, 2, 4, 8, 16]
        var x = interleaved, y = interleaved >> 1
        for index in 0..<6 {
            x = (x | (x >> s[index])) & b[index]
            y = (y | (y >> s[index])) & b[index]
        }
        return x | (y << 32)
    }

    static func encode(longitude: Double, latitude: Double, step: UInt8,
                       longitudeRange: (min: Double, max: Double) = Geohash.longitudeRange,
                       latitudeRange: (min: Double, max: Double) = Geohash.latitudeRange) -> Bits? {
        guard step > 0, step <= 32 else { return nil }
        // geohashEncode refuses what is outside the indexable area whatever the ranges.
        guard longitude <= Self.longitudeRange.max, longitude >= Self.longitudeRange.min,
              latitude <= Self.latitudeRange.max, latitude >= Self.latitudeRange.min else { return nil }
        guard latitude >= latitudeRange.min, latitude <= latitudeRange.max,
              longitude >= longitudeRange.min, longitude <= longitudeRange.max else { return nil }
        return encodeUnchecked(longitude, latitude, step, longitudeRange, latitudeRange)
    }

    private static func encodeUnchecked(_ longitude: Double, _ latitude: Double, _ step: UInt8,
                                        _ longitudeRange: (min: Double, max: Double), _ latitudeRange: (min: Double, max: Double)) -> Bits {
        var latOffset = (latitude - latitudeRange.min) / (latitudeRange.max - latitudeRange.min)
        var lonOffset = (longitude - longitudeRange.min) / (longitudeRange.max - longitudeRange.min)
        latOffset *= Double(UInt64(1) << step)
        lonOffset *= Double(UInt64(1) << step)
        return Bits(bits: interleave(UInt32(truncatingIfNeeded: Int64(latOffset)), UInt32(truncatingIfNeeded: Int64(lonOffset))), step: step)
    }

    static func decode(_ hash: Bits) -> Area? {
        guard !hash.isZero else { return nil }
        let separated = deinterleave(hash.bits)
        let latScale = latitudeRange.max - latitudeRange.min
        let lonScale = longitudeRange.max - longitudeRange.min
        let ilato = UInt32(truncatingIfNeeded: separated)
        let ilono = UInt32(truncatingIfNeeded: separated >> 32)
        let cells = Double(UInt64(1) << hash.step)
        return Area(
            longitude: (longitudeRange.min + (Double(ilono) * 1.0 / cells) * lonScale,
                        longitudeRange.min + ((Double(ilono) + 1) * 1.0 / cells) * lonScale),
            latitude: (latitudeRange.min + (Double(ilato) * 1.0 / cells) * latScale,
                       latitudeRange.min + ((Double(ilato) + 1) * 1.0 / cells) * latScale))
    }

    /// The center of a score's cell, as GEOPOS reports it.
    static func coordinates(score: Double) -> (longitude: Double, latitude: Double)? {
        guard let area = decode(Bits(bits: UInt64(score), step: stepMax)) else { return nil }
        let longitude = min(max((area.longitude.min + area.longitude.max) / 2, -180), 180)
        let latitude = min(max((area.latitude.min + area.latitude.max) / 2, latitudeRange.min), latitudeRange.max)
        return (longitude, latitude)
    }

    static func align52(_ hash: Bits) -> UInt64 { hash.bits << (52 - UInt64(hash.step) * 2) }

    /// geohash_move_x / geohash_move_y: one cell along the interleaved bits
    /// of `moving` (longitude on the odd bits, latitude on the even ones).
    private static func move(_ hash: inout Bits, _ direction: Int, moving: UInt64) {
        guard direction != 0 else { return }
        let other = ~moving
        var coordinate = hash.bits & moving
        let kept = hash.bits & other
        let zz: UInt64 = other >> (64 - UInt64(hash.step) * 2)
        if direction > 0 { coordinate = coordinate &+ (zz &+ 1) } else { coordinate = coordinate | zz; coordinate = coordinate &- (zz &+ 1) }
        coordinate &= (moving >> (64 - UInt64(hash.step) * 2))
        hash.bits = coordinate | kept
    }

    static func moved(_ hash: Bits, _ dx: Int, _ dy: Int) -> Bits {
        var result = hash
        move(&result, dx, moving: 0xAAAA_AAAA_AAAA_AAAA)
        move(&result, dy, moving: 0x5555_5555_5555_5555)
        return result
    }

    static func estimateSteps(radius: Double, latitude: Double) -> UInt8 {
        if radius == 0 { return 26 }
        var range = radius
        var step = 1
        while range < mercatorMax {
            range *= 2
            step += 1
        }
        step -= 2
        if latitude > 66 || latitude < -66 {
            step -= 1
            if latitude > 80 || latitude < -80 { step -= 1 }
        }
        return UInt8(min(max(step, 1), 26))
    }

    static func radians(_ degrees: Double) -> Double { degrees * (Double.pi / 180.0) }
    static func degrees(_ radians: Double) -> Double { radians / (Double.pi / 180.0) }

    static func latitudeDistance(_ lat1: Double, _ lat2: Double) -> Double {
        earthRadius * fabs(radians(lat2) - radians(lat1))
    }

    static func distance(_ lon1: Double, _ lat1: Double, _ lon2: Double, _ lat2: Double) -> Double {
        let lon1r = radians(lon1), lon2r = radians(lon2)
        let v = sin((lon2r - lon1r) / 2)
        if v == 0 { return latitudeDistance(lat1, lat2) }
        let lat1r = radians(lat1), lat2r = radians(lat2)
        let u = sin((lat2r - lat1r) / 2)
        let a = u * u + cos(lat1r) * cos(lat2r) * v * v
        return 2.0 * earthRadius * asin(sqrt(a))
    }

    /// A search shape: a radius or a width x height box, in the unit given.
    struct Shape {
        var longitude = 0.0, latitude = 0.0
        var conversion = 1.0
        var radius: Double?
        var width = 0.0, height = 0.0

        /// The distance of a point when it is inside the shape.
        func contains(_ longitude: Double, _ latitude: Double) -> Double? {
            if let radius {
                let distance = Geohash.distance(self.longitude, self.latitude, longitude, latitude)
                return distance > radius * conversion ? nil : distance
            }
            let widthMeters = width * conversion, heightMeters = height * conversion
            if Geohash.latitudeDistance(latitude, self.latitude) > heightMeters / 2 { return nil }
            if Geohash.distance(longitude, latitude, self.longitude, latitude) > widthMeters / 2 { return nil }
            return Geohash.distance(self.longitude, self.latitude, longitude, latitude)
        }
    }

    /// geohashCalculateAreasByShapeWGS84: the center box and its 8 neighbours
    /// (zeroed where useless), in the order members are gathered.
    static func searchBoxes(_ shape: Shape) -> [Bits] {
        let height = shape.conversion * (shape.radius ?? shape.height / 2)
        let width = shape.conversion * (shape.radius ?? shape.width / 2)
        let latDelta = degrees(height / earthRadius)
        let lonDeltaTop = degrees(width / earthRadius / cos(radians(shape.latitude + latDelta)))
        let lonDeltaBottom = degrees(width / earthRadius / cos(radians(shape.latitude - latDelta)))
        let southern = shape.latitude < 0
        let minLon = southern ? shape.longitude - lonDeltaBottom : shape.longitude - lonDeltaTop
        let maxLon = southern ? shape.longitude + lonDeltaBottom : shape.longitude + lonDeltaTop
        let minLat = shape.latitude - latDelta, maxLat = shape.latitude + latDelta
        var radiusMeters = shape.radius ?? sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))
        radiusMeters *= shape.conversion
        var steps = estimateSteps(radius: radiusMeters, latitude: shape.latitude)
        var hash = encode(longitude: shape.longitude, latitude: shape.latitude, step: steps) ?? Bits(bits: 0, step: 0)
        func neighbours(_ hash: Bits) -> [Bits] {
            // center, north, south, east, west, north-east, north-west, south-east, south-west
            [hash, moved(hash, 0, 1), moved(hash, 0, -1), moved(hash, 1, 0), moved(hash, -1, 0),
             moved(hash, 1, 1), moved(hash, -1, 1), moved(hash, 1, -1), moved(hash, -1, -1)]
        }
        var boxes = neighbours(hash)
        var area = decode(hash)
        var decrease = false
        if let north = decode(boxes[1]), north.latitude.max < maxLat { decrease = true }
        if let south = decode(boxes[2]), south.latitude.min > minLat { decrease = true }
        if let east = decode(boxes[3]), east.longitude.max < maxLon { decrease = true }
        if let west = decode(boxes[4]), west.longitude.min > minLon { decrease = true }
        if steps > 1 && decrease {
            steps -= 1
            hash = encode(longitude: shape.longitude, latitude: shape.latitude, step: steps) ?? Bits(bits: 0, step: 0)
            boxes = neighbours(hash)
            area = decode(hash)
        }
        let zero = Bits(bits: 0, step: 0)
        if steps >= 2, let area {
            if area.latitude.min < minLat { boxes[2] = zero; boxes[8] = zero; boxes[7] = zero }
            if area.latitude.max > maxLat { boxes[1] = zero; boxes[5] = zero; boxes[6] = zero }
            if area.longitude.min < minLon { boxes[4] = zero; boxes[8] = zero; boxes[6] = zero }
            if area.longitude.max > maxLon { boxes[3] = zero; boxes[7] = zero; boxes[5] = zero }
        }
        return boxes
    }
}
