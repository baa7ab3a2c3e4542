# syntax=docker/dockerfile:1
# Multi-stage build: a static binary (no cgo: SQLite is pure Go) on a
# distroless base, running as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/vectoros/vectoros/internal/app.version=${VERSION}" \
      -o /out/vectoros ./cmd/vectoros

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vectoros /vectoros
# SQLite lives here when DATABASE_URL is empty; mount a volume to keep it.
WORKDIR /data
ENV APP_ENV=production PORT=8080 DATABASE_URL=sqlite:/data/vectoros.db
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=6s --start-period=70s --retries=3 \
  CMD ["/vectoros", "healthcheck"]
ENTRYPOINT ["/vectoros"]
CMD ["serve"]
