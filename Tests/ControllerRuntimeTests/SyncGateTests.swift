import Testing
@testable import ControllerRuntime

@Suite("sync gate")
struct SyncGateTests {
    @Test func openingReleasesEveryWaiterAndLaterWaitsReturnAtOnce() async {
        let gate = SyncGate()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await gate.wait() } }
            gate.open()
            await group.waitForAll()
        }
        #expect(gate.isOpen)
        await gate.wait()
    }

    @Test func cancellingAWaiterReleasesItWithoutOpeningTheGate() async {
        let gate = SyncGate()
        let waiter = Task { await gate.wait() }
        waiter.cancel()
        await waiter.value
        #expect(!gate.isOpen, "a cancelled wait is not a sync")
    }

    @Test func aTaskCancelledBeforeItWaitsDoesNotBlock() async {
        let gate = SyncGate()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await gate.wait()
        }
        await waiter.value
        #expect(!gate.isOpen)
    }
}
