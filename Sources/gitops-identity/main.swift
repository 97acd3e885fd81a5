// The gitops-identity executable. Subcommands (controller, exchange, playground, version)
// arrive with the executable issue; until then it only reports its version.
print("gitops-identity 0.1.0-dev")
