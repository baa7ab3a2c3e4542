# syntax=docker/dockerfile:1
# Multi-stage build: a static binary (no cgo: SQLite is pure Go) on a
# distroless base, running as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git is not in the build context (.dockerignore), so the commit and date
# come in as build arguments: docker build --build-arg VERSION=v1.2.3
#   --build-arg COMMIT=$(git rev-parse HEAD) --build-arg BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ARG VERSION=dev
ARG COMMIT=
ARG BUILD_DATE=
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/vectoros/vectoros/internal/app.version=${VERSION} -X github.com/vectoros/vectoros/internal/app.commit=${COMMIT} -X github.com/vectoros/vectoros/internal/app.buildDate=${BUILD_DATE}" \
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
