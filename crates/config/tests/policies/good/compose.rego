package compose

import rego.v1

warn contains msg if {
	some name, svc in input.services
	not svc.restart
	msg := sprintf("service %s has no restart policy", [name])
}
