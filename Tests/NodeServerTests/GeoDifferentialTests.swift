import Testing

/// Geo commands against redis-server 7.0.15, RESP2 and RESP3: stored scores,
/// positions, distances, geohash strings, and searches in redis-server's own
/// order (unsorted searches follow its 9-box walk).
@Suite struct GeoDifferentialTests {
    static let script = """
        GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
        GEOADD Sicily NX 13.5 37.9 Agrigento 14.26 37.49 Caltanissetta 12.5 37.8 Marsala
        GEOADD Sicily XX CH 13.361389 38.115556 Palermo
        GEOADD Sicily 200 10 bad
        GEOADD Sicily 10 86 bad
        GEOADD Sicily 10 abc bad
        GEOADD Sicily NX XX 1 1 x
        GEOADD Sicily 1 1
        ZRANGE Sicily 0 -1 WITHSCORES
        GEOPOS Sicily Palermo Catania missing
        GEOPOS missing a
        GEODIST Sicily Palermo Catania
        GEODIST Sicily Palermo Catania km
        GEODIST Sicily Palermo Catania mi
        GEODIST Sicily Palermo Catania ft
        GEODIST Sicily Palermo missing
        GEODIST Sicily Palermo Catania parsecs
        GEOHASH Sicily Palermo Catania missing
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC WITHCOORD WITHDIST WITHHASH
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km
        GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 100 km ASC WITHDIST
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHDIST
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 2
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km COUNT 1 ANY
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 0
        GEOSEARCH Sicily BYRADIUS 200 km
        GEOSEARCH Sicily FROMLONLAT 15 37
        GEOSEARCH Sicily FROMMEMBER nobody BYRADIUS 10 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km
        GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km
        GEOSEARCH missing FROMLONLAT 15 37 BYRADIUS 10 km
        GEOSEARCHSTORE dest Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC COUNT 3
        ZRANGE dest 0 -1 WITHSCORES
        GEOSEARCHSTORE dest Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
        ZRANGE dest 0 -1 WITHSCORES
        GEOSEARCHSTORE dest Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST
        GEOSEARCHSTORE dest missing FROMLONLAT 15 37 BYRADIUS 200 km
        EXISTS dest
        GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD ASC
        GEORADIUS Sicily 15 37 200 km
        GEORADIUS Sicily 15 37 200 km STORE out
        ZRANGE out 0 -1
        GEORADIUS Sicily 15 37 200 km STOREDIST out
        ZRANGE out 0 -1 WITHSCORES
        GEORADIUS_RO Sicily 15 37 200 km STORE out
        GEORADIUSBYMEMBER Sicily Palermo 200 km ASC WITHDIST
        GEORADIUSBYMEMBER Sicily nobody 200 km
        GEORADIUSBYMEMBER_RO Sicily Palermo 100 km
        GEORADIUS Sicily 15 37 abc km
        GEOADD world 0 0 origin 179.9 85 north 179.9 -85 south -179.9 0 west 0.0001 0.0001 near
        GEOSEARCH world FROMLONLAT 0 0 BYRADIUS 20000 km WITHDIST
        GEOSEARCH world FROMLONLAT 179 84 BYRADIUS 500 km ASC WITHCOORD
        GEOSEARCH world FROMLONLAT 0 0 BYRADIUS 0 m WITHDIST
        GEOPOS world north south west
        GEOHASH world north south west near
        SET str x
        GEOADD str 1 1 a
        GEOPOS str a
        """

    @Test func geoCommands() async throws {
        try await DifferentialHarness.compare(["geo": Self.script])
    }
}
