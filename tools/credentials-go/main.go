// Command credentials-go runs the official Go credentials library (github.com/aliyun/credentials-go)
// the way a Go CI job does, against the emulator, and prints one JSON line with what it got.
//
//	credentials-go '{"mode":"oidc","roleArn":…,"oidcProviderArn":…,"oidcTokenFile":…,"roleSessionName":…,"stsEndpoint":"127.0.0.1:port"}'
//	credentials-go '{"mode":"oauth","signInUrl":"http://127.0.0.1:port","clientId":…,"refreshToken":…}'
//
// The OIDC provider always calls https://<stsEndpoint>; the caller trusts the emulator's test CA
// through SSL_CERT_FILE, which Go reads on Linux.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/aliyun/credentials-go/credentials/providers"
)

type input struct {
	Mode            string `json:"mode"`
	RoleArn         string `json:"roleArn"`
	OIDCProviderArn string `json:"oidcProviderArn"`
	OIDCTokenFile   string `json:"oidcTokenFile"`
	RoleSessionName string `json:"roleSessionName"`
	STSEndpoint     string `json:"stsEndpoint"`
	SignInURL       string `json:"signInUrl"`
	ClientID        string `json:"clientId"`
	RefreshToken    string `json:"refreshToken"`
}

type output struct {
	OK           bool   `json:"ok"`
	Error        string `json:"error,omitempty"`
	AccessKeyID  string `json:"accessKeyId,omitempty"`
	HasSecret    bool   `json:"hasSecret,omitempty"`
	HasToken     bool   `json:"hasToken,omitempty"`
	ProviderName string `json:"providerName,omitempty"`
}

func run(in input) (providers.CredentialsProvider, error) {
	switch in.Mode {
	case "oidc":
		return providers.NewOIDCCredentialsProviderBuilder().
			WithRoleArn(in.RoleArn).
			WithOIDCProviderARN(in.OIDCProviderArn).
			WithOIDCTokenFilePath(in.OIDCTokenFile).
			WithRoleSessionName(in.RoleSessionName).
			WithSTSEndpoint(in.STSEndpoint).
			Build()
	case "oauth":
		return providers.NewOAuthCredentialsProviderBuilder().
			WithClientId(in.ClientID).
			WithSignInUrl(in.SignInURL).
			WithRefreshToken(in.RefreshToken).
			Build()
	}
	return nil, fmt.Errorf("unknown mode %q (oidc or oauth)", in.Mode)
}

func main() {
	var in input
	out := output{}
	if len(os.Args) != 2 {
		out.Error = "usage: credentials-go '<json>'"
	} else if err := json.Unmarshal([]byte(os.Args[1]), &in); err != nil {
		out.Error = "bad input: " + err.Error()
	} else if p, err := run(in); err != nil {
		out.Error = err.Error()
	} else if c, err := p.GetCredentials(); err != nil {
		out.Error = err.Error()
	} else {
		out = output{OK: true, AccessKeyID: c.AccessKeyId, HasSecret: c.AccessKeySecret != "",
			HasToken: c.SecurityToken != "", ProviderName: c.ProviderName}
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
