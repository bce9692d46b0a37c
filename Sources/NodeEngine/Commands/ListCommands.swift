enum ListCommands {
    static let all: [(String, CommandHandler)] = []
}
