enum SetCommands {
    static let all: [(String, CommandHandler)] = []
}
