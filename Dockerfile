# One image for every hubspoke component (kube-apiserver, kubelet, hubspoke); docker-compose.yml picks the
# command. The same code as `npm start`, run from the TypeScript sources by tsx.
FROM node:20-bookworm-slim
WORKDIR /hubspoke
COPY package.json package-lock.json tsconfig.json ./
COPY packages ./packages
RUN npm ci --omit=dev --no-audit --no-fund
ENV PATH=/hubspoke/node_modules/.bin:$PATH
