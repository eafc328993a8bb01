// compose-check loads a Compose file with compose-go, the loader behind `docker compose config`, and prints the
// normalised model or every problem it finds. CI uses it because no Docker engine or compose plugin runs here.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose file> [profile...]")
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithProfiles(os.Args[2:]),
		cli.WithResolvedPaths(true),
	)
	if err == nil {
		p, loadErr := opts.LoadProject(context.Background())
		err = loadErr
		if loadErr == nil {
			out, marshalErr := p.MarshalJSON()
			if marshalErr != nil {
				err = marshalErr
			} else {
				fmt.Print(string(out))
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose file invalid: %v\n", err)
		os.Exit(1)
	}
}
