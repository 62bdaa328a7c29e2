// Command pulumi-resource-gcp is the project's stand-in for the GCP provider in the offline
// real-engine test (engine/README.md). The Go module proxy reachable here serves neither
// github.com/pulumi/pulumi-gcp/provider/v9 nor the terraform-provider-google-beta module it is
// built from, so the real GCP provider cannot be built on this machine. The stand-in lets the
// real CLI run everything else (config and secrets, the StackReference, protect, parenting, the
// Kubernetes provider, the policy pack, the --json document): it accepts every input as it is,
// previews creations only, and refuses anything that would touch GCP. It checks nothing of what
// the real provider checks; the test output says so.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is set at build time (engine/build.sh) to the plugin version @pulumi/gcp asks for.
var version = "0.0.0"

var errOffline = errors.New("the GCP stand-in provider only previews creations; it cannot read, create, update or delete GCP resources")

type standIn struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func (standIn) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (standIn) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (standIn) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (standIn) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true, SupportsPreview: true}, nil
}

func (standIn) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (standIn) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	if proto.Equal(req.GetOlds(), req.GetNews()) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME}, nil
}

// Create in a preview returns the inputs as the planned outputs (what the engine itself does for
// a provider without preview support), with no id.
func (standIn) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if !req.GetPreview() {
		return nil, errOffline
	}
	return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
}

func (standIn) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if !req.GetPreview() {
		return nil, errOffline
	}
	return &pulumirpc.UpdateResponse{Properties: req.GetNews()}, nil
}

func (standIn) Read(context.Context, *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return nil, errOffline
}

func (standIn) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return nil, errOffline
}

func (standIn) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (stand-in): cannot listen: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterResourceProviderServer(server, standIn{})
	// The CLI reads the port from the first line of standard output.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-gcp (stand-in): %v\n", err)
		os.Exit(1)
	}
}
