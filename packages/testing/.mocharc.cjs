module.exports = require("./mocharc.cjs");
