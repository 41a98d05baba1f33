# Rego v0 syntax (older conftest policies) over a Dockerfile's instructions.
package docker

deny[result] {
	some i
	input[i].Cmd == "from"
	not startswith(input[i].Value[0], "registry.acme.example/")
	result := {"id": "ACME-DF-001", "msg": sprintf("base image %s is not from the internal registry", [input[i].Value[0]]), "instruction": i}
}
