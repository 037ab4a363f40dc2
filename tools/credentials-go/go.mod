module github.com/alicloud-federation/alicloud-federation/tools/credentials-go

go 1.25.11

require github.com/aliyun/credentials-go v1.4.14

require (
	github.com/alibabacloud-go/debug v1.0.1 // indirect
	gopkg.in/ini.v1 v1.67.0 // indirect
)
