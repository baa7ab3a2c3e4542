package api

import "net/http"

func (a *API) stageRoutes() []route {
	return []route{
		{method: http.MethodGet, path: ws + "/stages", tag: "workspaces", access: memberOf, handle: a.listStages,
			summary: "The workspace's pipeline stages in order (deal stage values are their keys)",
			reply:   List[Stage]{}, status: http.StatusOK},
	}
}

func (a *API) listStages(w http.ResponseWriter, r *http.Request) {
	stages, err := a.store.ListStages(r.Context(), scopeOf(r.Context()).ws.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, list(mapAll(stages, stageView), ""))
}
