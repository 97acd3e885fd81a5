import TestSupport
import Foundation
import HTTP
import JSON
import LocalControlPlane
import Synchronization

extension KubeSim {
    /// Runs `body` against a fresh API server and always shuts it down, awaited, before returning
    /// (also when `body` throws).
    @discardableResult
    static func with<Value>(_ options: Options = Options(), body: (KubeSim) async throws -> Value) async throws -> Value {
        try await withTeardown({ try await start(options) }, body: body, teardown: { sim in await sim.shutdown() })
    }
}

/// A raw client of the double on the project's HTTP module (not the `Kube` client, which the
/// double must be checked independently of).
struct RawAPI: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var data: Data
        var body: JSONValue { (try? JSONValue.decode(data)) ?? .null }
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        var message: String { body["message"]?.stringValue ?? "" }
        var reason: String { body["reason"]?.stringValue ?? "" }
    }

    struct BadURL: Error { var path: String }

    let baseURL: String
    let token: String?
    let client: HTTPClient

    init(_ sim: KubeSim, token: String? = nil, anonymous: Bool = false) {
        baseURL = sim.baseURL
        self.token = anonymous ? nil : (token ?? sim.adminToken)
        client = HTTPClient(options: .init(tls: TLSConfiguration(certificateAuthority: .memory(Data(sim.caPEM.utf8))),
                                           maxConcurrentTransfers: 4))
    }

    func request(_ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, body: Data? = nil,
                 contentType: String = "application/json", accept: String? = nil) async throws -> Reply {
        guard let url = URL(string: baseURL + path) else { throw BadURL(path: path) }
        var request = HTTPRequest(method: method, url: url, body: json.map { $0.encoded() } ?? body)
        if request.body != nil { request.setHeader("Content-Type", contentType) }
        if let accept { request.setHeader("Accept", accept) }
        if let token { request = request.withBearer(token) }
        let response = try await client.send(request)
        return Reply(status: response.status, headers: response.headers, data: response.body)
    }

    func get(_ path: String) async throws -> Reply { try await request(.get, path) }
    func post(_ path: String, _ json: JSONValue) async throws -> Reply { try await request(.post, path, json: json) }
    func put(_ path: String, _ json: JSONValue) async throws -> Reply { try await request(.put, path, json: json) }
    func delete(_ path: String, _ json: JSONValue? = nil) async throws -> Reply { try await request(.delete, path, json: json) }
    func patch(_ path: String, _ type: String, _ json: JSONValue) async throws -> Reply {
        try await request(.patch, path, json: json, contentType: type)
    }

    /// Opens a watch (or any streamed GET) and records its events as they arrive.
    func watch(_ pathAndQuery: String) async throws -> WatchRecorder {
        guard let url = URL(string: baseURL + pathAndQuery) else { throw BadURL(path: pathAndQuery) }
        var request = HTTPRequest(url: url)
        if let token { request = request.withBearer(token) }
        let stream = try await client.lines(request)
        return WatchRecorder(stream)
    }
}

/// Collects the events of one watch stream on a task of its own, so that a test can wait for
/// what it expects with a deadline, and know how the stream ended.
final class WatchRecorder: Sendable {
    enum End: Sendable, Equatable { case clean, failed(String) }

    private final class Events: Sendable {
        let state = Mutex<(events: [JSONValue], end: End?)>(([], nil))
        func withLock<R>(_ body: (inout (events: [JSONValue], end: End?)) -> R) -> R { state.withLock { body(&$0) } }
    }

    let status: Int
    private let state: Events
    private let stream: HTTPLineStream
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(_ stream: HTTPLineStream) {
        self.stream = stream
        status = stream.head.status
        let state = Events()
        self.state = state
        let reader = Task {
            do {
                for try await line in stream where !line.isEmpty {
                    let event = (try? JSONValue.decode(Data(line.utf8))) ?? ["type": "UNPARSEABLE", "object": .string(line)]
                    state.withLock { $0.events.append(event) }
                }
                state.withLock { $0.end = .clean }
            } catch {
                state.withLock { $0.end = .failed(String(describing: error)) }
            }
        }
        task.withLock { $0 = reader }
    }

    var events: [JSONValue] { state.withLock { $0.events } }
    var end: End? { state.withLock { $0.end } }
    var types: [String] { events.map { $0["type"]?.stringValue ?? "" } }

    /// Waits until at least `count` events arrived; returns them all.
    @discardableResult
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [JSONValue] {
        try await eventually("\(count) watch events (have \(types))", timeout: timeout) { events.count >= count }
        return events
    }

    /// Waits for an event matching `predicate`; returns it.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(10), _ predicate: @escaping (JSONValue) -> Bool) async throws -> JSONValue {
        try await eventually("\(what) (have \(types))", timeout: timeout) { events.contains(where: predicate) }
        return events.first(where: predicate) ?? .null
    }

    func waitForEnd(timeout: Duration = .seconds(10)) async throws -> End {
        try await eventually("the end of the watch stream", timeout: timeout) { end != nil }
        return end ?? .clean
    }

    func cancel() {
        stream.cancel()
        task.withLock { $0?.cancel() }
    }

    deinit { cancel() }
}

/// A long-running command (kubectl get -w, kubectl delete that waits) whose output is read as
/// it is written and whose exit is observed with `terminationHandler`.
final class BackgroundProcess: Sendable {
    private final class Output: Sendable {
        let state = Mutex<(stdout: Data, stderr: Data, status: Int32?, drained: Int)>((Data(), Data(), nil, 0))
        func withLock<R>(_ body: (inout (stdout: Data, stderr: Data, status: Int32?, drained: Int)) -> R) -> R {
            state.withLock { body(&$0) }
        }
    }

    private let process: Mutex<Process>
    private let output: Output

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let output = Output()
        self.output = output
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            output.withLock { $0.status = status }
        }
        for (handle, isStdout) in [(out.fileHandleForReading, true), (err.fileHandleForReading, false)] {
            Thread.detachNewThread {
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    output.withLock { if isStdout { $0.stdout.append(chunk) } else { $0.stderr.append(chunk) } }
                }
                output.withLock { $0.drained += 1 }
            }
        }
        try process.run()
        self.process = Mutex(process)
    }

    var stdout: String { String(decoding: output.withLock { $0.stdout }, as: UTF8.self) }
    var stderr: String { String(decoding: output.withLock { $0.stderr }, as: UTF8.self) }
    var exitStatus: Int32? { output.withLock { $0.status } }

    /// Waits for the exit; returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await eventually("the process to exit (stdout: \(stdout), stderr: \(stderr))", timeout: timeout) {
            output.withLock { $0.status != nil && $0.drained == 2 }
        }
        return exitStatus ?? -1
    }

    func terminate() {
        process.withLock { if $0.isRunning { $0.terminate() } }
    }

    deinit { terminate() }
}

extension Kubectl {
    /// Starts kubectl in the background (for commands that stream or wait).
    func start(_ arguments: String...) throws -> BackgroundProcess {
        try BackgroundProcess(Self.binary, ["--kubeconfig", kubeconfig] + arguments,
                              environment: ["KUBECACHEDIR": cacheDirectory, "HOME": cacheDirectory])
    }
}

struct SetupFailed: Error { var what: String }

/// Paths and fixtures shared by the KubeSim suites.
enum Fixtures {
    /// The package root (…/Tests/LocalControlPlaneTests/KubeSim/this file → three levels up).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var crdPath: String { root.appendingPathComponent("crds/gitops-identity.io_ciidentitybindings.yaml").path }
    static var serviceAccountSamplePath: String {
        root.appendingPathComponent("config/samples/gitops-identity_v1alpha1_ciidentitybinding_serviceaccount.yaml").path
    }
    static var githubSamplePath: String {
        root.appendingPathComponent("config/samples/gitops-identity_v1alpha1_ciidentitybinding_github_actions.yaml").path
    }

    static let cibPath = "/apis/gitops-identity.io/v1alpha1/namespaces/team-a/ciidentitybindings"

    /// Registers the project's CRD and creates namespace team-a over the raw protocol.
    static func installCRD(_ api: RawAPI) async throws {
        let text = try String(contentsOfFile: crdPath, encoding: .utf8)
        // Server-side apply takes the YAML as it is (the test target does not parse YAML).
        let applied = try await api.request(.patch, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ciidentitybindings.gitops-identity.io?fieldManager=test",
                                            body: Data(text.utf8), contentType: "application/apply-patch+yaml")
        guard applied.status == 201 else { throw SetupFailed(what: "CRD install: \(applied.status) \(applied.message)") }
        _ = try await api.post("/api/v1/namespaces", ["metadata": ["name": "team-a"]])
    }

    static func binding(_ name: String, serviceAccount: String? = "ci-runner", oidc: Bool = false) -> JSONValue {
        var spec: [String: JSONValue] = ["policies": [["resource": "applications", "actions": ["get"], "object": "team-a/*"]]]
        if let serviceAccount { spec["serviceAccount"] = ["name": .string(serviceAccount)] }
        if oidc { spec["oidc"] = ["issuerRef": ["name": "github-actions"], "subject": "repo:acme/app:ref:refs/heads/main"] }
        return ["apiVersion": "gitops-identity.io/v1alpha1", "kind": "CiIdentityBinding",
                "metadata": ["name": .string(name), "namespace": "team-a"], "spec": .object(spec)]
    }
}
