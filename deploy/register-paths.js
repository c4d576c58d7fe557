// Resolves the @liaison/<lib> aliases of the compiled tree (dist/) at run time, so that apps
// import each library by its one public entry, exactly as they do in TypeScript.
const path = require('path');
const tsconfigPaths = require('tsconfig-paths');
tsconfigPaths.register({
  baseUrl: path.join(__dirname, '..', 'dist'),
  paths: { '@liaison/*': ['libs/*/src'] },
});
