# Rego v1, conftest's package main: string messages and objects with a path.
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.team
	msg := sprintf("Deployment %s has no team label", [input.metadata.name])
}

violation contains result if {
	input.kind == "Deployment"
	some i
	container := input.spec.template.spec.containers[i]
	startswith(container.image, "docker.io/")
	result := {
		"id": "ACME-K8S-001",
		"msg": sprintf("container %s pulls from Docker Hub", [container.name]),
		"severity": "MEDIUM",
		"path": ["spec", "template", "spec", "containers", i, "image"],
		"remediation": "Mirror the image into registry.acme.example.",
	}
}
