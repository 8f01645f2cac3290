package citizen

import (
	"context"
	"log/slog"
	"net/http"
	"testing/fstest"
	"time"

	"bhxhdesk/assets"
	"bhxhdesk/central"
	"bhxhdesk/refdata"
)

// Mount serves the centre's protocol (api, under /v1/) and the citizen's pages (the root) on
// one handler.
func Mount(api http.Handler, s *Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	s.Routes(mux)
	return mux
}

// LoadReference is the reference data the pages apply: the embedded data with every file the
// province published to the desks (rules, calendars, workflows, keys), as a desk that synced
// applies them, so the page and the desk quote alike.
func LoadReference(ctx context.Context, svc *central.Service) (*refdata.Reference, error) {
	files, err := svc.RuleFiles(ctx)
	if err != nil {
		return nil, err
	}
	over := fstest.MapFS{}
	for _, f := range files {
		over[f.Path] = &fstest.MapFile{Data: f.Data, Mode: 0o444}
	}
	return assets.Load(over)
}

// Refresh loads the reference data again every period until ctx ends, so a file the province
// publishes applies to the pages as it does to the desks. A file set that does not load is
// logged and the data in force kept.
func Refresh(ctx context.Context, svc *central.Service, src *refdata.Source, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ref, err := LoadReference(ctx, svc)
			if err != nil {
				if log != nil && ctx.Err() == nil {
					log.Warn("citizen pages: reference data not reloaded", "err", err)
				}
				continue
			}
			src.Set(ref)
		}
	}
}
