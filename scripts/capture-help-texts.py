#!/usr/bin/env python3
"""Captures the HELP text of every command with a HELP subcommand from
redis-server 7.0.15 (CLIENT HELP, CONFIG HELP, ...) into the engine's
Sources/NodeEngine/Commands/Metadata/HelpTexts+Captured.swift: the lines
between the header ("X <subcommand> ... Subcommands are:") and the footer
("HELP" / "    Prints this help."), which the engine adds itself.

Usage: scripts/capture-help-texts.py [redis-server]   (starts its own on a free port)
"""
import os, socket, subprocess, sys, tempfile, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "redis-server"
    port = free_port()
    folder = tempfile.mkdtemp(prefix="rcluster-help-")
    server = subprocess.Popen([binary, "--port", str(port), "--save", "", "--dir", folder, "--cluster-enabled", "yes", "--enable-debug-command", "yes"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                subprocess.run(["redis-cli", "-p", str(port), "PING"], check=True, capture_output=True); break
            except subprocess.CalledProcessError:
                time.sleep(0.05)
        names = subprocess.run(["redis-cli", "-p", str(port), "COMMAND", "LIST"], capture_output=True, text=True).stdout.split()
        # DEBUG HELP is an argument, not a subcommand, but prints the same way.
        containers = sorted({name.split("|")[0] for name in names if name.endswith("|help")} | {"debug"})
        out = ["/// The HELP texts of redis-server 7.0.15, captured by scripts/capture-help-texts.py:",
               "/// each command's lines between the header and the HELP footer. Do not edit by hand.",
               "enum HelpTexts {", "    static let byCommand: [String: [String]] = ["]
        for name in containers:
            lines = subprocess.run(["redis-cli", "-p", str(port), name, "HELP"], capture_output=True, text=True).stdout.split("\n")
            lines = [line for line in lines[:-1]]
            assert lines[0].endswith("Subcommands are:") and lines[-2:] == ["HELP", "    Prints this help."], (name, lines[:1], lines[-2:])
            body = lines[1:-2]
            out.append(f'        "{name}": [')
            for line in body:
                out.append("            " + '"' + line.replace("\\", "\\\\").replace('"', '\\"') + '",')
            out.append("        ],")
        out += ["    ]", "}", ""]
        target = os.path.join(os.path.dirname(__file__), "..", "Sources", "NodeEngine", "Commands", "Metadata", "HelpTexts+Captured.swift")
        with open(target, "w") as f: f.write("\n".join(out))
        print(f"wrote {len(containers)} help texts to {os.path.normpath(target)}")
    finally:
        server.kill()

if __name__ == "__main__":
    main()
