import Foundation
import Synchronization

/// Runs a command-line tool (kubectl, curl) as an independent client of the doubles. The exit
/// is observed with `terminationHandler` (never `waitUntilExit`, which spins a run loop on
/// Linux threads) and output is drained on dedicated threads, so neither the cooperative pool
/// nor a CPU is blocked. Every run has a deadline.
public struct ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var timedOut: Bool
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let finished = Mutex<CheckedContinuation<Int32, Never>?>(nil)
        let exitStatus = Mutex<Int32?>(nil)
        process.terminationHandler = { process in
            let status = process.terminationStatus
            let waiter = finished.withLock { waiter -> CheckedContinuation<Int32, Never>? in
                exitStatus.withLock { $0 = status }
                defer { waiter = nil }
                return waiter
            }
            waiter?.resume(returning: status)
        }
        let stdoutData = drain(out.fileHandleForReading)
        let stderrData = drain(err.fileHandleForReading)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()

        let timer = Task {
            try? await Task.sleep(for: timeout)
            // SIGKILL: a SIGTERM from this process may be blocked in the child (inherited mask).
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        let status: Int32 = await withCheckedContinuation { continuation in
            let already = finished.withLock { waiter -> Int32? in
                if let status = exitStatus.withLock({ $0 }) { return status }
                waiter = continuation
                return nil
            }
            if let already { continuation.resume(returning: already) }
        }
        let timedOut = timer.isCancelled == false && status == SIGKILL
        timer.cancel()
        return Result(status: status, stdout: await stdoutData.value, stderr: await stderrData.value, timedOut: timedOut)
    }

    /// Starts a long-running child (a server, a controller) and returns it with its output
    /// collectors; stop it with `signal` and wait with `wait()`.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exit = ExitBox()
        process.terminationHandler = { exit.finish($0.terminationStatus) }
        let stdout = drainWatched(out.fileHandleForReading)
        let stderr = drain(err.fileHandleForReading)
        try process.run()
        return Running(process: process, exit: exit, stdout: stdout.all, stdoutSoFar: stdout.soFar, stderr: stderr)
    }

    /// Starts a long-running child, runs `body` with it, and makes sure the child is gone before
    /// returning: one still running when `body` returns or throws (a `try` that failed before the
    /// test's own signal) is killed and waited for, so no process outlives its test.
    @discardableResult
    public static func with<Value>(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                                   body: (Running) async throws -> Value,
                                   isolation: isolated (any Actor)? = #isolation) async throws -> Value {
        try await withTeardown({ try start(executable, arguments, environment: environment) }, body: body, teardown: { child in
            if child.isRunning { child.signal(SIGKILL) }
            _ = await child.wait()
        }, isolation: isolation)
    }

    public struct Running: Sendable {
        let process: Process
        let exit: ExitBox
        let stdout: Task<String, Never>
        let stdoutSoFar: @Sendable () -> String
        let stderr: Task<String, Never>

        /// What the child has written to stdout so far: a line shows here only once the child
        /// flushed it (what a log collector or a pipe reader would see).
        public var outputSoFar: String { stdoutSoFar() }

        public var pid: Int32 { process.processIdentifier }
        public var isRunning: Bool { process.isRunning }
        public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// Waits for the exit (SIGKILL after `timeout`); returns status, output and whether it
        /// had to be killed.
        public func wait(timeout: Duration = .seconds(30)) async -> Result {
            let killer = Task {
                try? await Task.sleep(for: timeout)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            let status = await exit.wait()
            let killed = !killer.isCancelled && status == SIGKILL
            killer.cancel()
            return Result(status: status, stdout: await stdout.value, stderr: await stderr.value, timedOut: killed)
        }
    }

    final class ExitBox: @unchecked Sendable {
        private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))
        func finish(_ status: Int32) {
            let waiter = state.withLock { s -> CheckedContinuation<Int32, Never>? in
                s.status = status
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: status)
        }
        func wait() async -> Int32 {
            await withCheckedContinuation { continuation in
                let done = state.withLock { s -> Int32? in
                    if let status = s.status { return status }
                    s.waiter = continuation
                    return nil
                }
                if let done { continuation.resume(returning: done) }
            }
        }
    }

    private static func drain(_ handle: FileHandle) -> Task<String, Never> {
        drainWatched(handle).all
    }

    private static func drainWatched(_ handle: FileHandle) -> (all: Task<String, Never>, soFar: @Sendable () -> String) {
        let result = Arc(Mutex(Data()))
        let done = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let finished = Mutex(false)
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                result.value.withLock { $0.append(chunk) }
            }
            let waiter = done.withLock { w -> CheckedContinuation<Void, Never>? in
                finished.withLock { $0 = true }
                defer { w = nil }
                return w
            }
            waiter?.resume()
        }
        let all = Task {
            await withCheckedContinuation { continuation in
                let isDone = done.withLock { w -> Bool in
                    if finished.withLock({ $0 }) { return true }
                    w = continuation
                    return false
                }
                if isDone { continuation.resume() }
            }
            return String(decoding: result.value.withLock { $0 }, as: UTF8.self)
        }
        return (all, { String(decoding: result.value.withLock { $0 }, as: UTF8.self) })
    }

    /// A Mutex (not copyable) shared by reference between the reader thread and its readers.
    private final class Arc<Value: ~Copyable & Sendable>: Sendable {
        let value: Value
        init(_ value: consuming Value) { self.value = value }
    }
}

/// kubectl against a double: its own discovery cache directory per run, the given kubeconfig.
public struct Kubectl {
    public static let binary = "/usr/bin/kubectl"
    public let kubeconfig: String
    public let cacheDirectory: String

    public init(kubeconfig: String) {
        self.kubeconfig = kubeconfig
        cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-cache-\(UUID().uuidString)").path
    }

    public func callAsFunction(_ arguments: String..., stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> ChildProcess.Result {
        try await ChildProcess.run(Self.binary, ["--kubeconfig", kubeconfig] + arguments,
                                   environment: ["KUBECACHEDIR": cacheDirectory, "HOME": cacheDirectory], stdin: stdin, timeout: timeout)
    }
}
