import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Two single-page apps built together: the customer portal and the staff app. The server
// serves dist/web/{portal,staff}/index.html and the hashed files under /assets/.
export default defineConfig({
  root: resolve(import.meta.dirname, 'web'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        portal: resolve(import.meta.dirname, 'web/portal/index.html'),
        staff: resolve(import.meta.dirname, 'web/staff/index.html'),
      },
    },
  },
});
