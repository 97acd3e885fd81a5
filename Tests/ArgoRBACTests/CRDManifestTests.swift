import Foundation
import Testing
import Yams
@testable import ArgoRBAC

/// The CRD and the samples parse, have the structure DESIGN §2 asks for, and the samples satisfy
/// both the schema and the controller's own stricter validation.
@Suite struct CRDManifestTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let crdPath = "crds/gitops-identity.io_ciidentitybindings.yaml"
    static let samplePaths = [
        "config/samples/gitops-identity_v1alpha1_ciidentitybinding_serviceaccount.yaml",
        "config/samples/gitops-identity_v1alpha1_ciidentitybinding_github_actions.yaml",
    ]

    static func load(_ relativePath: String) throws -> Node {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
        return try #require(try Yams.compose(yaml: text))
    }

    static func versionSchema() throws -> Node {
        let crd = try load(crdPath)
        let version = try #require(crd["spec"]?["versions"]?.array().first)
        return try #require(version["schema"]?["openAPIV3Schema"])
    }

    @Test func crdHasTheNamesScopeAndVersion() throws {
        let crd = try Self.load(Self.crdPath)
        #expect(crd["apiVersion"]?.string == "apiextensions.k8s.io/v1")
        #expect(crd["kind"]?.string == "CustomResourceDefinition")
        #expect(crd["metadata"]?["name"]?.string == "ciidentitybindings.gitops-identity.io")
        let spec = try #require(crd["spec"])
        #expect(spec["group"]?.string == "gitops-identity.io")
        #expect(spec["scope"]?.string == "Namespaced")
        let names = try #require(spec["names"])
        #expect(names["kind"]?.string == "CiIdentityBinding")
        #expect(names["plural"]?.string == "ciidentitybindings")
        #expect(names["singular"]?.string == "ciidentitybinding")
        #expect(names["shortNames"]?.array().compactMap(\.string) == ["cib"])
        #expect(names["categories"]?.array().compactMap(\.string) == ["gitops-identity"])
        let versions = spec["versions"]?.array() ?? []
        #expect(versions.count == 1)
        let version = try #require(versions.first)
        #expect(version["name"]?.string == "v1alpha1")
        #expect(version["served"]?.bool == true)
        #expect(version["storage"]?.bool == true)
        #expect(version["subresources"]?["status"]?.mapping != nil)
        let columns = version["additionalPrinterColumns"]?.array().compactMap { $0["name"]?.string }
        #expect(columns == ["Identity", "Ready", "Expires", "Age"])
    }

    @Test func everyStringAndListIsBounded() throws {
        var unbounded: [String] = []
        func walk(_ schema: Node, _ path: String) {
            switch schema["type"]?.string {
            case "string":
                if schema["maxLength"] == nil && schema["enum"] == nil { unbounded.append(path) }
            case "array":
                if schema["maxItems"] == nil { unbounded.append(path) }
                if let items = schema["items"] { walk(items, path + "[]") }
            case "object":
                for pair in schema["properties"]?.mapping ?? [:] {
                    walk(pair.value, path + "." + (pair.key.string ?? "?"))
                }
            default:
                break
            }
        }
        walk(try Self.versionSchema(), "")
        #expect(unbounded == [])
    }

    @Test func celRulesAndEnumsMatchTheContract() throws {
        let schema = try Self.versionSchema()
        let spec = try #require(schema["properties"]?["spec"])
        let rules = spec["x-kubernetes-validations"]?.array().compactMap { $0["rule"]?.string } ?? []
        #expect(rules.contains("has(self.serviceAccount) != has(self.oidc)"))
        #expect(rules.contains("!has(self.secretName) || has(self.serviceAccount)"))
        let oidc = spec["properties"]?["oidc"]
        #expect(oidc?["required"]?.array().compactMap(\.string) == ["issuerRef", "subject"])
        // The issuer URL is the admin's ClusterIdentityIssuer's; an old binding that sets it is refused with what to do.
        #expect(oidc?["x-kubernetes-validations"]?.array().compactMap { $0["rule"]?.string } == ["!has(self.issuer)"])
        let subjectMode = try #require(spec["properties"]?["subjectMode"])
        #expect(subjectMode["enum"]?.array().compactMap(\.string) == ["group", "user"])
        #expect(subjectMode["default"]?.string == "group")
        let resources = spec["properties"]?["policies"]?["items"]?["properties"]?["resource"]?["enum"]?.array().compactMap(\.string)
        #expect(resources.map(Set.init) == Set(PolicyResource.allCases.map(\.rawValue)))
    }

    @Test(arguments: samplePaths)
    func samplesSatisfyTheSchemaAndTheControllersValidation(path: String) throws {
        let sample = try Self.load(path)
        #expect(sample["apiVersion"]?.string == "gitops-identity.io/v1alpha1")
        #expect(sample["kind"]?.string == "CiIdentityBinding")
        #expect(SchemaCheck.violations(of: sample, against: try Self.versionSchema()) == [])

        let spec = try #require(sample["spec"])
        // The CEL rules, by hand: exactly one identity; secretName only with a ServiceAccount.
        #expect((spec["serviceAccount"] == nil) != (spec["oidc"] == nil))
        #expect(spec["secretName"] == nil || spec["serviceAccount"] != nil)
        if let issuer = spec["oidc"]?["issuer"]?.string {
            #expect(issuer.hasPrefix("https://"))
        }

        let metadata = try #require(sample["metadata"])
        let binding = try BindingName(namespace: try #require(metadata["namespace"]?.string),
                                      name: try #require(metadata["name"]?.string))
        _ = try PolicyKey.name(for: binding)
        let raws = spec["policies"]?.array().map { policy in
            RawPolicyGrant(resource: policy["resource"]?.string ?? "",
                           actions: policy["actions"]?.array().compactMap(\.string) ?? [],
                           object: policy["object"]?.string ?? "")
        } ?? []
        #expect(throws: Never.self) { try PolicyGrant.validateAll(raws).get() }
        if let subject = spec["oidc"]?["subject"]?.string {
            _ = try RBACSubject.group(connectorID: "gitops-identity-dd9c65dd", sub: subject)
        }
    }

    @Test func githubSampleUsesTheContractValues() throws {
        let sample = try Self.load(Self.samplePaths[1])
        #expect(sample["spec"]?["oidc"]?["issuerRef"]?["name"]?.string == "github-actions")
        #expect(sample["spec"]?["oidc"]?["subject"]?.string == "repo:acme/app:ref:refs/heads/main")
    }

    @Test func theSchemaCheckerCatchesBadBindings() throws {
        let schema = try Self.versionSchema()
        let bad = """
        apiVersion: gitops-identity.io/v1alpha1
        kind: CiIdentityBinding
        metadata: {name: x, namespace: team-a}
        spec:
          oidc: {issuerRef: {name: "GitHub Actions"}, subject: "repo:a,b"}
          subjectMode: admin
          policies:
          - {resource: application, actions: [get], object: "team-a/*", extra: 1}
          unknownField: true
        """
        let node = try #require(try Yams.compose(yaml: bad))
        let violations = SchemaCheck.violations(of: node, against: schema)
        #expect(violations.contains { $0.hasPrefix(".spec.oidc.issuerRef.name does not match") })
        #expect(violations.contains { $0.hasPrefix(".spec.oidc.subject does not match") })
        #expect(violations.contains { $0.hasPrefix(".spec.subjectMode is not one of") })
        #expect(violations.contains { $0.hasPrefix(".spec.policies[0].resource is not one of") })
        #expect(violations.contains(".spec.policies[0].extra is not in the schema"))
        #expect(violations.contains(".spec.unknownField is not in the schema"))
    }

    static let issuerCRDPath = "crds/gitops-identity.io_clusteridentityissuers.yaml"
    static let issuerSamples = [
        "config/samples/gitops-identity_v1alpha1_clusteridentityissuer_kubernetes.yaml",
        "config/samples/gitops-identity_v1alpha1_clusteridentityissuer_github_actions.yaml",
    ]

    /// ClusterIdentityIssuer (issue 13): cluster-scoped, `cii`, exactly one of issuer or
    /// serviceAccountIssuer, the printer columns of the contract, every field described.
    @Test func theIssuerCRDHasTheContractShape() throws {
        let crd = try Self.load(Self.issuerCRDPath)
        #expect(crd["spec"]?["scope"]?.string == "Cluster")
        #expect(crd["spec"]?["names"]?["shortNames"]?.array().compactMap(\.string) == ["cii"])
        let version = try #require(crd["spec"]?["versions"]?.array().first)
        #expect(version["additionalPrinterColumns"]?.array().compactMap { $0["name"]?.string } == ["Issuer", "Ready", "DexLoaded", "Age"])
        let schema = try #require(version["schema"]?["openAPIV3Schema"])
        let spec = try #require(schema["properties"]?["spec"])
        #expect(spec["x-kubernetes-validations"]?.array().compactMap { $0["rule"]?.string } == ["has(self.issuer) != has(self.serviceAccountIssuer)"])
        for (name, field) in spec["properties"]?.mapping ?? [:] {
            #expect(field["description"]?.string?.isEmpty == false, "spec.\(name.string ?? "") has a description for kubectl explain")
        }
        for path in Self.issuerSamples {
            let node = try #require(try Yams.compose(yaml: try String(contentsOfFile: path, encoding: .utf8)))
            #expect(SchemaCheck.violations(of: node, against: schema) == [], "\(path)")
        }
    }
}
