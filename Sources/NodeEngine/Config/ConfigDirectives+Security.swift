/// Passwords, ACL and what RESTORE trusts.
extension ConfigDirectives {
    static let security: [ConfigDirective] = [
        .text("requirepass", .sensitive),
        .text("masterauth", .sensitive),
        .text("masteruser", .sensitive),
        .text("aclfile", .immutable, emptyIsNull: false),
        .number("acllog-max-len", 0, longMax, 128),
        .choice("acl-pubsub-default", ["allchannels", "resetchannels"], values: [1, 0], "resetchannels"),
        .choice("sanitize-dump-payload", ["no", "yes", "clients"], "no"),
    ]
}
