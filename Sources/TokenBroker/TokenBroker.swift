import ControllerRuntime
import Foundation
import Kube
import Metrics
import TokenExchange

/// Keeps every service-account binding's Secret holding a valid Argo CD token.
///
/// One schedule (a deadline heap) and one timer serve all bindings, so ten thousand bindings
/// cost one sleeping task, not ten thousand. Each issue is: TokenRequest for the ServiceAccount
/// (short-lived, dedicated audience, held only in a local) → exchange at Dex → verify → write
/// the Secret. Failures back off exponentially; the last good token stays published until it
/// expires. When Dex's signing keys change (Argo CD restarts Dex on every `dex.config` change,
/// and it keeps keys in memory), every token signed by a vanished key is re-issued at once.
public actor TokenBroker {
    public struct Options: Sendable {
        /// Audience of the minted subject token. Dex does not check it; other relying parties will.
        public var audience: String
        public var subjectTokenLifetime: Int64
        public var maxConcurrentIssues: Int

        public init(audience: String = "gitops-identity", subjectTokenLifetime: Int64 = 600, maxConcurrentIssues: Int = 8) {
            self.audience = audience
            self.subjectTokenLifetime = subjectTokenLifetime
            self.maxConcurrentIssues = maxConcurrentIssues
        }
    }

    /// Where the broker reports to the controller (status, Events, metrics).
    public struct Reporter: Sendable {
        public var status: @Sendable (_ bindingKey: String, _ status: TokenStatus) async -> Void
        public var event: @Sendable (_ target: TokenTarget, _ warning: Bool, _ reason: String, _ message: String) async -> Void
        public var exchange: @Sendable (_ connectorID: String, _ result: String) -> Void
        /// Events about Dex itself (its keys rotated): they belong on the admins' issuers, not on
        /// some tenant's binding.
        public var dexEvent: @Sendable (_ reason: String, _ message: String) async -> Void

        public init(status: @escaping @Sendable (String, TokenStatus) async -> Void = { _, _ in },
                    event: @escaping @Sendable (TokenTarget, Bool, String, String) async -> Void = { _, _, _, _ in },
                    exchange: @escaping @Sendable (String, String) -> Void = { _, _ in },
                    dexEvent: @escaping @Sendable (String, String) async -> Void = { _, _ in }) {
            self.status = status
            self.event = event
            self.exchange = exchange
            self.dexEvent = dexEvent
        }
    }

    private struct Entry {
        var target: TokenTarget
        var expiresAt: Date?
        var keyID: String?
        var renewAt: Date?
        var lastRenewedAt: Date?
        var failures = 0
        var generation = 0
        /// What the last attempt reported; nil before the first one finished.
        var state: TokenStatus.State?
    }

    private let client: KubeClient
    private let exchanger: DexExchanger
    private let publisher: SecretPublisher
    private let clock: ControllerClock
    private let options: Options
    private let reporter: Reporter
    private var entries: [String: Entry] = [:]
    private var schedule = DeadlineHeap<String>()
    private var running: [String: Task<Void, Never>] = [:]
    private var waiter: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?
    private var knownKeyIDs: Set<String>?
    private var fastPollUntil: Date?
    public private(set) var issued = 0
    public private(set) var failed = 0

    public init(client: KubeClient, exchanger: DexExchanger, publisher: SecretPublisher,
                clock: ControllerClock = SystemClock(), options: Options = Options(), reporter: Reporter = Reporter()) {
        self.client = client
        self.exchanger = exchanger
        self.publisher = publisher
        self.clock = clock
        self.options = options
        self.reporter = reporter
    }

    // MARK: Targets

    /// Registers or updates a binding's target. A new or changed target is issued at once; an
    /// unchanged one keeps its schedule.
    public func ensure(_ target: TokenTarget) {
        if var entry = entries[target.bindingKey] {
            guard entry.target != target else { return }
            entry.target = target
            entry.generation += 1
            entries[target.bindingKey] = entry
        } else {
            entries[target.bindingKey] = Entry(target: target)
        }
        schedule.schedule(target.bindingKey, at: clock.now(), replace: true)
        wake()
    }

    /// The binding's ServiceAccount is gone: nothing is renewed, and the token it was issued is
    /// taken out of its Secret (Argo CD refuses it already: its RBAC line is withdrawn).
    public func revoke(bindingKey: String, namespace: String, secretName: String, ownerUID: String) async throws(KubeError) {
        remove(bindingKey: bindingKey)
        try await publisher.clearToken(namespace: namespace, secretName: secretName, ownerUID: ownerUID)
    }

    public func remove(bindingKey: String) {
        if let target = entries[bindingKey]?.target { TokenMetrics.forget(target) }
        entries[bindingKey] = nil
        schedule.remove(bindingKey)
    }

    public func status(of bindingKey: String) -> TokenStatus? {
        guard let entry = entries[bindingKey] else { return nil }
        guard var state = entry.state else {
            return status(for: entry, state: .failed(reason: "TokenPending", message: "no token has been issued yet"))
        }
        // A token that expired since the last report is not ready, whatever that report said.
        if let expiresAt = entry.expiresAt, expiresAt <= clock.now() {
            switch state {
            case .ready, .renewalFailing(_, _):
                state = .failed(reason: "TokenExpired", message: "the published token expired at \(SecretPublisher.rfc3339(expiresAt)) and could not be renewed")
            case .failed:
                break
            }
        }
        return status(for: entry, state: state)
    }

    public var targetCount: Int { entries.count }

    /// The renewal deadline of a binding, for tests and status.
    public func nextRun(of bindingKey: String) -> Date? { schedule.deadline(of: bindingKey) }

    // MARK: Dex key changes

    /// Re-issues, now, every token signed by a key Dex no longer publishes, and retries at once
    /// every binding that is failing (a new key set means Dex is back, probably with the
    /// connector it was missing).
    public func dexKeysChanged(current keyIDs: Set<String>) -> Int {
        var count = 0
        for (key, entry) in entries {
            let signedByVanishedKey = entry.keyID.map { !keyIDs.contains($0) } ?? false
            if signedByVanishedKey || entry.failures > 0 {
                schedule.schedule(key, at: clock.now(), replace: true)
                count += 1
            }
        }
        if count > 0 { wake() }
        return count
    }

    /// Fetches Dex's current keys and reacts when they differ from the last set seen; returns
    /// the number of tokens re-issued.
    @discardableResult
    public func checkDexKeys() async -> Int {
        guard let current = try? await exchanger.keySet.currentKeyIDs() else { return 0 }
        defer { knownKeyIDs = current }
        guard let known = knownKeyIDs else {
            // Dex answers for the first time: whatever failed because it did not, may work now.
            return dexKeysChanged(current: current)
        }
        guard known != current else { return 0 }
        let affected = dexKeysChanged(current: current)
        if affected > 0 {
            await reporter.dexEvent("DexKeysRotated", "Dex's signing keys changed (Dex restarted); re-issuing \(affected) token(s)")
        }
        return affected
    }

    /// Polls Dex's key set until cancelled: every `interval`, and every second for half a
    /// minute after `dexConfigWritten()` (Argo CD restarts Dex a moment after the write).
    public func watchDexKeys(every interval: Duration) async {
        while !Task.isCancelled {
            let fast = fastPollUntil.map { clock.now() < $0 } ?? false
            do { try await clock.sleep(for: fast ? .seconds(1) : interval) } catch { return }
            await checkDexKeys()
        }
    }

    /// This controller just wrote `dex.config`: Dex is about to restart with new keys.
    public func dexConfigWritten() async {
        fastPollUntil = clock.now().addingTimeInterval(30)
        await checkDexKeys()
    }

    // MARK: The schedule

    /// Runs due issues (at most `maxConcurrentIssues` at once) until cancelled.
    public func run() async {
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                startDueIssues()
                await waitForWork()
            }
            for task in running.values { task.cancel() }
        } onCancel: {
            Task { await self.wake() }
        }
    }

    private func startDueIssues() {
        let free = options.maxConcurrentIssues - running.count
        guard free > 0 else { return }
        for key in schedule.popDue(now: clock.now(), limit: free) {
            if running[key] != nil { continue } // its completion reschedules it
            running[key] = Task { await self.issue(key) }
        }
    }

    private func waitForWork() async {
        if Task.isCancelled { return }
        // With every slot busy, only a finishing issue can make progress.
        let deadline = running.count >= options.maxConcurrentIssues ? nil : schedule.earliestDeadline()
        if let deadline, deadline <= clock.now() { return }
        await withCheckedContinuation { continuation in
            waiter = continuation
            if let deadline {
                let clock = self.clock
                timer = Task { [weak self] in
                    do { try await clock.sleep(until: deadline) } catch { return }
                    await self?.wake()
                }
            }
        }
        timer?.cancel()
        timer = nil
    }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }

    // MARK: One issue

    private func issue(_ key: String) async {
        defer { running[key] = nil; wake() }
        guard let entry = entries[key] else { return }
        let target = entry.target
        let generation = entry.generation
        let outcome = await mintExchangePublish(target)
        guard var current = entries[key] else { return } // removed meanwhile
        guard current.generation == generation else {
            // The target changed while this issue ran: issue again for the new one.
            schedule.schedule(key, at: clock.now(), replace: true)
            return
        }
        let now = clock.now()
        switch outcome {
        case .success(let token):
            issued += 1
            current.failures = 0
            current.expiresAt = token.expiresAt
            current.keyID = token.keyID
            current.lastRenewedAt = now
            current.renewAt = RenewalSchedule.renewAt(issuedAt: now, expiresAt: token.expiresAt, fraction: target.renewAtFraction,
                                                    renewBefore: target.renewBefore)
            current.state = .ready
            entries[key] = current
            if let renewAt = current.renewAt { schedule.schedule(key, at: renewAt, replace: true) }
            TokenMetrics.issued(target, expiresAt: token.expiresAt, renewAt: current.renewAt, at: now)
            await reporter.status(key, status(for: current, state: .ready))
            if current.failures == 0 && entry.expiresAt == nil {
                await reporter.event(target, false, "TokenIssued", "issued an Argo CD token into Secret \(target.secretName), valid until \(SecretPublisher.rfc3339(token.expiresAt))")
            }
        case .failure(let failure):
            failed += 1
            current.failures += 1
            // Dex restarting or not yet holding a new connector clears within seconds.
            let transient = ["ConnectorNotLoaded", "DexUnreachable", "DexError"].contains(failure.reason)
            let retry = RenewalSchedule.retryAt(now: now, failures: current.failures, currentExpiry: current.expiresAt,
                                                maxDelay: transient ? 15 : 300)
            current.renewAt = retry
            let stillValid = current.expiresAt.map { $0 > now } ?? false
            let state: TokenStatus.State = stillValid
                ? .renewalFailing(reason: failure.reason, message: failure.message + "; the current token stays valid until \(SecretPublisher.rfc3339(current.expiresAt ?? now))")
                : .failed(reason: failure.reason, message: failure.message)
            current.state = state
            entries[key] = current
            schedule.schedule(key, at: retry, replace: true)
            await reporter.status(key, status(for: current, state: state))
            await reporter.event(target, true, "TokenRenewalFailed", failure.message)
        }
    }

    private struct Failure: Error {
        var reason: String
        var message: String
    }

    private func mintExchangePublish(_ target: TokenTarget) async -> Result<ExchangedToken, Failure> {
        // The Secret first: a Secret the binding cannot publish into costs no mint and no exchange.
        let existing: Secret?
        do {
            existing = try await publisher.ownedSecret(for: target)
        } catch {
            return .failure(Self.publishFailure(error, target))
        }
        let subjectToken: String
        do {
            let response = try await client.createToken(
                serviceAccount: target.serviceAccount, namespace: target.namespace,
                request: TokenRequest(audiences: [options.audience], expirationSeconds: options.subjectTokenLifetime))
            guard let token = response.status?.token, !token.isEmpty else {
                return .failure(Failure(reason: "TokenRequestFailed", message: "the API server returned no service-account token"))
            }
            subjectToken = token
        } catch {
            if error.isNotFound {
                return .failure(Failure(reason: "ServiceAccountNotFound", message: "ServiceAccount \(target.namespace)/\(target.serviceAccount) does not exist"))
            }
            return .failure(Failure(reason: "TokenRequestFailed", message: "cannot mint a token for ServiceAccount \(target.namespace)/\(target.serviceAccount): \(error)"))
        }
        let token: ExchangedToken
        do {
            token = try await exchanger.exchange(subjectToken: subjectToken, connectorID: target.connectorID, expectedGroup: target.expectedGroup)
            reporter.exchange(target.connectorID, "success")
            TokenMetrics.exchange(connectorID: target.connectorID, result: "success")
        } catch {
            reporter.exchange(target.connectorID, error.conditionReason)
            TokenMetrics.exchange(connectorID: target.connectorID, result: error.conditionReason)
            return .failure(Failure(reason: error.conditionReason, message: error.description))
        }
        do {
            try await publisher.publish(token: token.token, expiresAt: token.expiresAt, target: target, over: existing)
        } catch {
            return .failure(Self.publishFailure(error, target))
        }
        return .success(token)
    }

    private static func publishFailure(_ error: SecretPublisher.PublishError, _ target: TokenTarget) -> Failure {
        switch error {
        case .foreignSecret(let message): return Failure(reason: "SecretConflict", message: message)
        case .api(let apiError): return Failure(reason: "SecretWriteFailed", message: "cannot write Secret \(target.namespace)/\(target.secretName): \(apiError)")
        }
    }

    private func status(for entry: Entry, state: TokenStatus.State) -> TokenStatus {
        TokenStatus(state: state, expiresAt: entry.expiresAt, renewAt: entry.renewAt, lastRenewedAt: entry.lastRenewedAt)
    }
}
