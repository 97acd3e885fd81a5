import Foundation

/// A fixed set of threads that run blocking libcurl transfers, so that no transfer ever blocks
/// a thread of Swift's cooperative pool (two threads on a two-core machine). Each worker owns
/// one easy handle for its whole life, which is what gives connection reuse without sharing
/// handles between threads.
final class TransferThreads: @unchecked Sendable {
    typealias Job = (EasyHandle?) -> Void

    private let condition = NSCondition()
    private var queue: [Job] = []
    private var idleWorkers = 0
    private var workers = 0
    private var stopping = false
    private let maxWorkers: Int
    private let name: String

    init(maxWorkers: Int, name: String) {
        self.maxWorkers = max(1, maxWorkers)
        self.name = name
    }

    /// Queues a job; it runs on a worker thread with that worker's handle (nil only if libcurl
    /// could not create one, which the job reports as an error).
    func submit(_ job: @escaping Job) {
        condition.lock()
        defer { condition.unlock() }
        if stopping {
            condition.unlock()
            job(nil)
            condition.lock()
            return
        }
        queue.append(job)
        if idleWorkers == 0 && workers < maxWorkers {
            workers += 1
            let thread = Thread { [self] in workerLoop() }
            thread.name = "\(name)-\(workers)"
            thread.start()
        } else {
            condition.signal()
        }
    }

    /// Lets queued jobs finish, then ends the workers.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func workerLoop() {
        let handle = try? EasyHandle()
        while let job = nextJob() {
            job(handle)
        }
    }

    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if stopping {
                workers -= 1
                return nil
            }
            idleWorkers += 1
            condition.wait()
            idleWorkers -= 1
        }
        return queue.removeFirst()
    }
}
