#!/usr/bin/env python3
"""Writes a pnpm workspace of about 1,000 npm packages for bench/install_overhead.sh: three apps
and three shared packages with the dependencies a typical full-stack TypeScript monorepo has
(Next.js, React, Vite, TanStack, tRPC, Prisma, Drizzle, Tailwind, ESLint, Jest, Vitest, ...).

    bench/make_workspace.py DEST

Only package.json files and pnpm-workspace.yaml are written (no sources, no lockfile): the first
`pnpm install` resolves it from the registry. The direct dependencies are pinned to exact versions
and pnpm resolves the others by time (`resolution-mode: time-based`: no version published after the
newest direct dependency), so the same set of packages is installed on a later day too.
"""
import json
import os
import sys

APPS = {
    "apps/web": {
        "dependencies": [
            "next", "react", "react-dom", "@tanstack/react-query", "@tanstack/react-table",
            "@trpc/client", "@trpc/server", "@trpc/react-query", "next-auth", "zod",
            "react-hook-form", "@hookform/resolvers", "@radix-ui/react-dialog",
            "@radix-ui/react-dropdown-menu", "@radix-ui/react-select", "framer-motion",
            "lucide-react", "date-fns", "swr", "axios", "@acme/ui", "@acme/db",
        ],
        "devDependencies": [
            "tailwindcss", "@tailwindcss/postcss", "postcss", "eslint-config-next",
            "@playwright/test",
        ],
    },
    "apps/admin": {
        "dependencies": [
            "react", "react-dom", "@tanstack/react-router", "@tanstack/react-query",
            "@tanstack/react-form", "recharts", "zustand", "i18next", "react-i18next", "@acme/ui",
        ],
        "devDependencies": [
            "vite", "@vitejs/plugin-react", "@tanstack/router-plugin", "vitest", "jsdom",
            "@testing-library/react", "@testing-library/user-event", "msw", "sass",
        ],
    },
    "apps/api": {
        "dependencies": [
            "fastify", "@fastify/cors", "@fastify/helmet", "express", "@trpc/server", "ioredis",
            "bullmq", "pino", "dotenv", "jsonwebtoken", "bcryptjs", "nodemailer",
            "@aws-sdk/client-s3", "stripe", "@acme/db",
        ],
        "devDependencies": [
            "tsx", "nodemon", "jest", "ts-jest", "@types/jest", "supertest", "@types/express",
        ],
    },
    "packages/ui": {
        "dependencies": [
            "react", "class-variance-authority", "clsx", "tailwind-merge", "@radix-ui/react-slot",
        ],
    },
    "packages/db": {
        "dependencies": [
            "@prisma/client", "drizzle-orm", "pg", "zod",
        ],
        "devDependencies": [
            "prisma", "drizzle-kit", "@types/pg",
        ],
    },
    "packages/config": {
        "devDependencies": [
            "typescript", "eslint", "@eslint/js", "typescript-eslint", "eslint-plugin-react",
            "eslint-plugin-react-hooks", "eslint-plugin-import", "prettier",
            "prettier-plugin-tailwindcss", "@types/node", "@types/react", "@types/react-dom",
            "husky", "lint-staged", "@commitlint/cli", "@commitlint/config-conventional", "turbo",
        ],
    },
}

# Exact versions of the direct dependencies: those `latest` named on 2026-12-06.
VERSIONS = {
    "@aws-sdk/client-s3": "3.1178.0", "@commitlint/cli": "21.2.4",
    "@commitlint/config-conventional": "21.2.4", "@eslint/js": "10.0.1", "@fastify/cors": "11.4.3",
    "@fastify/helmet": "13.2.0", "@hookform/resolvers": "7.0.10", "@playwright/test": "1.65.2",
    "@prisma/client": "7.10.1", "@radix-ui/react-dialog": "1.3.1",
    "@radix-ui/react-dropdown-menu": "2.2.1", "@radix-ui/react-select": "2.4.1",
    "@radix-ui/react-slot": "1.5.1", "@tailwindcss/postcss": "4.3.5",
    "@tanstack/react-form": "1.33.5", "@tanstack/react-query": "5.108.4",
    "@tanstack/react-router": "1.170.46", "@tanstack/react-table": "9.3.1",
    "@tanstack/router-plugin": "1.169.0", "@testing-library/react": "16.3.3",
    "@testing-library/user-event": "14.6.14", "@trpc/client": "11.25.2",
    "@trpc/react-query": "11.19.0", "@trpc/server": "11.25.2", "@types/express": "5.0.6",
    "@types/jest": "30.0.0", "@types/node": "26.6.11", "@types/pg": "8.23.1",
    "@types/react": "19.3.3", "@types/react-dom": "19.3.0", "@vitejs/plugin-react": "6.3.1",
    "axios": "1.21.1", "bcryptjs": "3.0.3", "bullmq": "6.7.6", "class-variance-authority": "0.7.1",
    "clsx": "2.1.1", "date-fns": "4.4.0", "dotenv": "18.0.10", "drizzle-kit": "0.31.11",
    "drizzle-orm": "0.45.4", "eslint": "10.16.0", "eslint-config-next": "16.5.0",
    "eslint-plugin-import": "2.32.0", "eslint-plugin-react": "7.37.5",
    "eslint-plugin-react-hooks": "7.1.1", "express": "5.3.0", "fastify": "5.12.8",
    "framer-motion": "14.14.0", "husky": "9.1.7", "i18next": "27.2.11", "ioredis": "6.1.0",
    "jest": "30.5.2", "jsdom": "31.0.1", "jsonwebtoken": "9.0.3", "lint-staged": "17.6.3",
    "lucide-react": "1.87.0", "msw": "3.0.5", "next": "16.5.0", "next-auth": "4.24.15",
    "nodemailer": "10.6.1", "nodemon": "3.1.14", "pg": "8.23.1", "pino": "10.4.0",
    "postcss": "8.5.34", "prettier": "3.10.2", "prettier-plugin-tailwindcss": "0.8.1",
    "prisma": "7.10.1", "react": "19.3.1", "react-dom": "19.3.1", "react-hook-form": "7.92.0",
    "react-i18next": "18.0.3", "recharts": "3.11.3", "sass": "1.108.2", "stripe": "23.2.0",
    "supertest": "7.3.2", "swr": "2.5.1", "tailwind-merge": "3.7.3", "tailwindcss": "4.3.5",
    "ts-jest": "29.4.15", "tsx": "4.23.15", "turbo": "2.11.13", "typescript": "7.0.2",
    "typescript-eslint": "8.74.0", "vite": "8.4.1", "vitest": "5.1.2", "zod": "4.6.7",
    "zustand": "5.1.0",
}


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench/make_workspace.py DEST")
    dest = sys.argv[1]
    os.makedirs(dest, exist_ok=True)
    write_json(os.path.join(dest, "package.json"), {
        "name": "acme-bench", "private": True, "packageManager": "pnpm@10.34.9",
    })
    with open(os.path.join(dest, "pnpm-workspace.yaml"), "w") as f:
        f.write('packages:\n  - "apps/*"\n  - "packages/*"\nresolutionMode: time-based\n')
    for folder, deps in APPS.items():
        manifest = {"name": "@acme/" + os.path.basename(folder), "version": "1.0.0",
                    "private": True}
        for kind, names in deps.items():
            manifest[kind] = {n: VERSIONS.get(n, "workspace:*") for n in sorted(names)}
        write_json(os.path.join(dest, folder, "package.json"), manifest)


if __name__ == "__main__":
    main()
