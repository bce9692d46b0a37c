/// The redis-server release the engine answers as.
public enum EngineVersion {
    public static let redisVersion = "7.0.15"
    public static let redisVersionNumber = 0x0007_000F
}
