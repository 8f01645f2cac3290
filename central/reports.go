package central

import (
	"context"
	"sort"
	"strings"

	"bhxhdesk/app"
)

// reportKey is where the centre keeps an office's monthly report.
func reportKey(m app.Month, office string) string { return "report/" + m.String() + "/" + office }

// ProvinceReport is the sum of the monthly reports the offices of a province sent for a month,
// with each office's own (Offices, by agency) and the offices that sent none (Missing). An
// office belongs to the province it is listed in (OfficeListing) or, when not listed, the
// province its agency code begins with.
type ProvinceReport struct {
	Province string              `json:"province"`
	Month    app.Month           `json:"month"`
	Total    app.MonthlyReport   `json:"total"`
	Offices  []app.MonthlyReport `json:"offices"`
	Missing  []string            `json:"missing"`
}

// ProvinceReport sums the monthly reports of a province's offices for a month.
func (s *Service) ProvinceReport(ctx context.Context, province string, m app.Month) (ProvinceReport, error) {
	out := ProvinceReport{Province: province, Month: m, Total: app.MonthlyReport{Office: province, Month: m}}
	err := s.Store.View(ctx, func(tx Tx) error {
		offices, err := tx.Offices()
		if err != nil {
			return err
		}
		groups := map[app.SupportGroup]*app.ReportLine{}
		for _, o := range offices {
			p := o.Province
			if o.Listing != nil {
				p = o.Listing.Province
			}
			if p == "" && len(o.Agency) >= 2 {
				p = o.Agency[:2]
			}
			if p != province || strings.HasPrefix(o.Agency, "*") {
				continue
			}
			raw, ok, err := tx.Meta(reportKey(m, o.Agency))
			if err != nil {
				return err
			}
			if !ok {
				out.Missing = append(out.Missing, o.Agency)
				continue
			}
			r, err := app.ReportPayload.Unmarshal(raw)
			if err != nil {
				return err
			}
			out.Offices = append(out.Offices, r)
			out.Total.Total = out.Total.Total.Plus(r.Total)
			for _, g := range r.Groups {
				if groups[g.Group] == nil {
					groups[g.Group] = &app.ReportLine{}
				}
				*groups[g.Group] = groups[g.Group].Plus(g.ReportLine)
			}
		}
		order := map[app.SupportGroup]int{}
		for i, g := range app.SupportGroups {
			order[g] = i + 1
		}
		for g, l := range groups {
			out.Total.Groups = append(out.Total.Groups, app.ReportGroup{Group: g, ReportLine: *l})
		}
		sort.Slice(out.Total.Groups, func(i, j int) bool {
			a, b := out.Total.Groups[i].Group, out.Total.Groups[j].Group
			if order[a] != order[b] {
				return order[a] != 0 && (order[b] == 0 || order[a] < order[b])
			}
			return a < b
		})
		return nil
	})
	return out, err
}
