# One image for every hubspoke component (kube-apiserver, kubelet, hubspoke, hubspoke-attacker); docker-compose.yml
# picks the command. The same code as `npm start`, run from the TypeScript sources by tsx. iproute2 is for the
# routes `hubspoke net` sets and the attacker's `mitm --intercept-route`.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends iproute2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /hubspoke
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
RUN npm ci --omit=dev --no-audit --no-fund
ENV PATH=/hubspoke/node_modules/.bin:$PATH
