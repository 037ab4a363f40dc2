//go:build tools

// Package tools pins the Pulumi CLI that the tests and the demo build from the
// Go module proxy (the CLI cannot be downloaded on our machines). See
// scripts/build-pulumi.sh.
//
// The Node.js language host (module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// listed yet: the module proxy these machines reach refuses every version of
// that module (403 "This module version is not available").
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	// The package whose Version the build stamps with -ldflags -X.
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
