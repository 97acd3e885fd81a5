/// What a double has applied of the Argo CD settings, so tests can wait until it has caught up
/// with the KubeSim instead of sleeping: each double's watcher runs on its own, like the real
/// pods' informers, and lags behind a write by an unknown (small) amount.
actor ArgoSettingsProgress {
    private(set) var applied = ArgoSettingsSnapshot()
    let changes = ChangeCounter()

    func record(_ snapshot: ArgoSettingsSnapshot) async {
        applied = snapshot
        await changes.bump()
    }

    /// True once argocd-cm, argocd-rbac-cm and argocd-secret as applied are the versions the
    /// KubeSim stores now; false when `timeout` passes first.
    func waitUntilCurrent(kubeSim: KubeSim, namespace: String, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = await changes.count
            if await caughtUp(kubeSim: kubeSim, namespace: namespace) { return true }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }
            _ = await changes.wait(after: seen, timeout: remaining)
        }
    }

    private func caughtUp(kubeSim: KubeSim, namespace: String) async -> Bool {
        for name in ["argocd-cm", "argocd-rbac-cm"] {
            let stored = await kubeSim.storedObject(group: "", plural: "configmaps", namespace: namespace, name: name)
            if stored?.resourceVersion != applied.resourceVersion(configMap: name) { return false }
        }
        let secret = await kubeSim.storedObject(group: "", plural: "secrets", namespace: namespace, name: "argocd-secret")
        return secret?.resourceVersion == applied.resourceVersion(secret: "argocd-secret")
    }
}
