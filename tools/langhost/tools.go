//go:build tools

// Package langhost pins the Node.js language host that scripts/build-pulumi.sh
// builds next to the Pulumi CLI.
//
// Why 3.68.0 and not the CLI's 3.259.0: since 3.69.0 the host is its own
// module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3),
// and the Go module proxy our machines reach refuses every version of that
// module (403 "This module version is not available") while it serves pkg/v3
// and sdk/v3. Up to 3.68.0 the same host lived inside sdk/v3, which the proxy
// serves. It is Pulumi's own host, built from Pulumi's source; it speaks the
// language-host protocol the 3.259.0 engine drives, and runs
// @pulumi/pulumi 3.248.0 programs (the end-to-end suite proves it). When the
// proxy serves the newer module, tools/go.mod gains it and this folder goes.
package langhost

import (
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
	_ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
)
