enum HashCommands {
    static let all: [(String, CommandHandler)] = []
}
