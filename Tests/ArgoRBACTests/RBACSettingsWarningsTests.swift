import Testing
@testable import ArgoRBAC

@Suite struct RBACSettingsWarningsTests {
    @Test func defaultsProduceNoWarning() {
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: nil).isEmpty)
        #expect(RBACSettingsWarnings.evaluate(policyDefault: "", scopes: "[groups]").isEmpty)
        #expect(RBACSettingsWarnings.evaluate(policyDefault: "  ", scopes: "[groups, email]").isEmpty)
    }

    @Test func nonEmptyDefaultPolicyWarns() {
        #expect(RBACSettingsWarnings.evaluate(policyDefault: "role:readonly", scopes: nil)
                == [.defaultPolicyGrantsEveryToken(role: "role:readonly")])
    }

    @Test func scopesWithoutGroupsWarnOnlyForGroupSubjects() {
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: "[email, 'orgs']")
                == [.scopesExcludeGroups(scopes: ["email", "orgs"])])
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: "[email]", subjectMode: .user).isEmpty)
    }

    @Test func scopesAreReadInTheFormsArgoCDAccepts() {
        #expect(RBACSettingsWarnings.parseScopes("[groups, email]") == ["groups", "email"])
        #expect(RBACSettingsWarnings.parseScopes("[\"groups\",\"email\"]") == ["groups", "email"])
        #expect(RBACSettingsWarnings.parseScopes("- groups\n- email\n") == ["groups", "email"])
        #expect(RBACSettingsWarnings.parseScopes("[]") == [])
        #expect(RBACSettingsWarnings.parseScopes(nil) == ["groups"])
        #expect(RBACSettingsWarnings.parseScopes("") == ["groups"])
        #expect(RBACSettingsWarnings.parseScopes("[groups") == nil)
        #expect(RBACSettingsWarnings.parseScopes("groups") == nil)
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: "groups") == [.scopesUnreadable])
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: "[]") == [.scopesExcludeGroups(scopes: [])])
    }

    @Test func regexMatchModeIsFlagged() {
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: nil, matchMode: "regex") == [.regexMatchModeBreaksTenancy])
        #expect(RBACSettingsWarnings.evaluate(policyDefault: nil, scopes: nil, matchMode: "glob").isEmpty)
    }
}
